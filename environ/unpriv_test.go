//go:build linux

package environ

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"

	"github.com/procscope/procscope/internal/testexe"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
)

type unprivReport struct {
	Processes, Scanned, Gone, Unreadable int
	PermissionErrors                     int
	ReadIsPermission                     bool
	ReadErr                              string
}

// scanHelper runs in the re-executed test binary.
func scanHelper(args []string) int {
	res, err := Scan(context.Background(), proc.Default(), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	rep := unprivReport{Processes: res.Processes}
	for _, f := range res.Failures {
		switch {
		case errors.Is(f, fs.ErrNotExist):
			rep.Gone++
		case errors.Is(f, fs.ErrPermission):
			rep.PermissionErrors++
			fallthrough
		default:
			rep.Unreadable++
		}
	}
	rep.Scanned = rep.Processes - rep.Gone - rep.Unreadable
	if len(args) > 0 {
		pid, _ := strconv.Atoi(args[0])
		_, err := Read(proc.Default().Process(pid))
		rep.ReadIsPermission = errors.Is(err, fs.ErrPermission)
		if err != nil {
			rep.ReadErr = err.Error()
		}
	}
	json.NewEncoder(os.Stdout).Encode(rep)
	return 0
}

// TestScanUnprivileged: as uid 65534, root's processes are unreadable. Scan
// counts them and their errors match fs.ErrPermission; it does not fail.
func TestScanUnprivileged(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to switch to uid 65534")
	}
	bin := testexe.Public(t)
	c := startChild(t, liveEnv) // root's, with secrets
	cmd := exec.Command(bin, proctest.HelperArgs(scanArg, strconv.Itoa(c.p.Pid))...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("unprivileged scan: %v\n%s", err, ee.Stderr)
		}
		t.Skipf("cannot run as uid 65534: %v", err)
	}
	var rep unprivReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	t.Logf("as uid 65534: %+v", rep)
	if rep.Unreadable == 0 || rep.PermissionErrors != rep.Unreadable {
		t.Errorf("unprivileged Scan: %d unreadable, %d permission errors; want >0 and equal", rep.Unreadable, rep.PermissionErrors)
	}
	if !rep.ReadIsPermission {
		t.Errorf("unprivileged Read(root's child) error = %q; want fs.ErrPermission", rep.ReadErr)
	}
}
