//go:build linux

package tree_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
	"github.com/procscope/procscope/tree"
)

// The helper "pidns" (see proctest.RegisterHelper) runs nsCheck in a new
// pid namespace, as its init (pid 1, PPID 0).
func init() {
	proctest.RegisterHelper("pidns", func([]string) int {
		if err := nsCheck(); err != nil {
			fmt.Fprintln(os.Stderr, "pidns:", err)
			return 1
		}
		return 0
	})
}

func nsCheck() error {
	if os.Getpid() != 1 {
		return fmt.Errorf("pid %d, want 1", os.Getpid())
	}
	h, err := startHelper(testTree, os.Environ())
	if err != nil {
		return err
	}
	defer h.stop()
	helperPID := h.cmd.Process.Pid
	s, err := tree.Scan(context.Background(), proc.Default(), &tree.Options{Threads: true})
	if err != nil {
		return err
	}
	if r := s.Roots(); len(r) != 1 || r[0].PID != 1 || r[0].PPID != 0 || s.Root() != r[0] {
		return fmt.Errorf("roots %v, want only pid 1", r)
	}
	var got bytes.Buffer
	if err := s.Render(&got, helperPID, nil); err != nil {
		return err
	}
	cmd := exec.Command("pstree", "-p", "-A", strconv.Itoa(helperPID))
	cmd.Env = append(os.Environ(), "COLUMNS=132")
	want, err := cmd.Output()
	if err != nil {
		return err
	}
	if !bytes.Equal(got.Bytes(), want) {
		return fmt.Errorf("render differs from pstree:\n%s\n---\n%s", got.Bytes(), want)
	}
	got.Reset()
	if err := s.Render(&got, 0, &tree.RenderOptions{HideThreads: true}); err != nil {
		return err
	}
	if !bytes.HasPrefix(got.Bytes(), []byte("?()---")) {
		return fmt.Errorf("Render(0) = %q", got.Bytes())
	}
	return nil
}

// TestPIDNamespace runs a scan as the init of a new pid namespace (with its
// own /proc mounted): pid 1 has PPID 0 and is the only root, and a subtree
// renders as pstree renders it there.
func TestPIDNamespace(t *testing.T) {
	pstreePath(t)
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("unshare(1) is not installed")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(unshare, append([]string{"--pid", "--fork", "--mount-proc", exe}, proctest.HelperArgs("pidns")...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if os.Geteuid() != 0 {
			t.Skipf("unshare needs root here: %v: %s", err, out)
		}
		t.Fatalf("%v: %s", err, out)
	}
}
