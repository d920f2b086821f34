//go:build linux

package procscope_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/procscope/procscope/environ"
	"github.com/procscope/procscope/fd"
	"github.com/procscope/procscope/internal/testexe"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
	"github.com/procscope/procscope/syscallstat"
	"github.com/procscope/procscope/tree"
)

// The tests here run parts of the suite as the unprivileged user 65534
// (nobody): the test binary, copied where that user can run it, re-executes
// itself under setpriv, and for hidepid inside a private mount namespace with
// a proc mounted hidepid=2.

const (
	nobody      = "65534"
	examplesEnv = "PROCSCOPE_EXAMPLES" // directory of the built example programs
	hidepidEnv  = "PROCSCOPE_HIDEPID_PROC"
)

// asNobody runs the test named test of this binary as uid 65534 and
// returns its output; the test fails if that run fails.
func asNobody(t *testing.T, test string, wrap []string, env ...string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to switch to an unprivileged user")
	}
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv (util-linux) not installed")
	}
	bin := testexe.Public(t)
	dir := filepath.Dir(bin)
	args := append(wrap, "setpriv", "--reuid="+nobody, "--regid="+nobody, "--clear-groups", "--",
		bin, "-test.run=^"+test+"$", "-test.v")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=" + dir}, env...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+test) {
		t.Fatalf("%s as uid %s: %v\n%s", test, nobody, err, out)
	}
	return string(out)
}

var examples struct {
	once sync.Once
	dir  string
	err  error
}

// examplesDir builds the example programs, once per run of the test binary,
// into a directory that user 65534 can read, and returns it; TestMain
// removes it.
func examplesDir(t *testing.T) string {
	t.Helper()
	examples.once.Do(func() {
		dir, err := os.MkdirTemp("", "procscope-examples-")
		if err == nil {
			examples.dir = dir
			err = os.Chmod(dir, 0o755)
		}
		if err == nil {
			var out []byte
			if out, err = exec.Command("go", "build", "-o", dir+"/", "./examples/...").CombinedOutput(); err != nil {
				err = fmt.Errorf("go build ./examples/...: %w\n%s", err, out)
			}
		}
		examples.err = err
	})
	if examples.err != nil {
		t.Fatal(examples.err)
	}
	return examples.dir
}

// removeExamples removes what examplesDir built.
func removeExamples() {
	if examples.dir != "" {
		os.RemoveAll(examples.dir)
	}
}

// TestUnprivileged reads root's processes as nobody through the library and
// the example programs.
func TestUnprivileged(t *testing.T) {
	bin := examplesDir(t)
	out := asNobody(t, "TestUnprivilegedInside", nil, examplesEnv+"="+bin)
	t.Log(out)
}

func TestUnprivilegedInside(t *testing.T) {
	if os.Getenv(examplesEnv) == "" || os.Geteuid() == 0 {
		t.Skip("run by TestUnprivileged as an unprivileged user")
	}
	f := proc.Default()
	p1 := f.Process(1)
	if _, err := p1.Stat(); err != nil {
		t.Errorf("Stat of pid 1: %v; want it readable by anyone", err)
	}
	for name, err := range map[string]error{
		"Exe":          second(p1.Exe()),
		"Cwd":          second(p1.Cwd()),
		"environ.Read": second(environ.Read(p1)),
		"fd.List":      second(fd.List(p1, nil)),
	} {
		if !errors.Is(err, fs.ErrPermission) {
			t.Errorf("%s of root's pid 1: error %v; want fs.ErrPermission", name, err)
		}
	}
	info, err := p1.Info()
	if err != nil || info.Stat == nil || info.Errors["exe"] == nil {
		t.Errorf("Info of pid 1: stat %v, errors %v, %v; want stat read and exe named in errors", info.Stat != nil, info.Errors, err)
	}
	snap, err := tree.Scan(context.Background(), f, &tree.Options{Threads: true})
	if err != nil || snap.Node(1) == nil || snap.Node(os.Getpid()) == nil {
		t.Errorf("tree.Scan: %v; want a tree holding pid 1 and this process", err)
	}
	res, err := environ.Scan(context.Background(), f, nil)
	if err != nil || !slices.ContainsFunc(res.Failures, func(f proc.Failure) bool { return errors.Is(f, fs.ErrPermission) }) ||
		len(res.Failures) >= res.Processes {
		t.Errorf("environ.Scan = %d processes, failures %v, %v; want some read and some refused, and no error", res.Processes, res.Failures, err)
	}
	if _, err := syscallstat.Attach(1, nil); !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "CAP_SYS_PTRACE") {
		t.Errorf("syscallstat.Attach(1): error %v; want fs.ErrPermission naming CAP_SYS_PTRACE", err)
	}

	bin := os.Getenv(examplesEnv)
	for _, args := range [][]string{{"inspect"}, {"inspect", "-json", "1"}, {"inspect", "1"}, {"pstree", "1"}, {"procenv", "-scan"}} {
		out, err := exec.Command(filepath.Join(bin, args[0]), args[1:]...).CombinedOutput()
		if err != nil {
			t.Errorf("%v as nobody: %v; want exit 0\n%s", args, err, out)
			continue
		}
		if strings.Contains(string(out), "\npanic: ") || strings.HasPrefix(string(out), "panic: ") {
			t.Errorf("%v panicked:\n%s", args, out)
		}
		if args[0] == "inspect" && len(args) > 1 && !strings.Contains(string(out), "permission denied") {
			t.Errorf("%v does not name the unreadable parts:\n%s", args, out)
		}
	}
	out, err := exec.Command(filepath.Join(bin, "syscount"), "-p", "1").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "CAP_SYS_PTRACE") {
		t.Errorf("syscount -p 1 as nobody: %v\n%s\nwant a failure naming the missing permission", err, out)
	}
}

// TestHidepid reads a proc mounted with hidepid=2 as nobody: other users'
// processes are invisible, and the library treats them as absent.
func TestHidepid(t *testing.T) {
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("unshare (util-linux) not installed")
	}
	mnt := testexe.Dir(t)
	wrap := []string{"unshare", "--mount", "--propagation", "private", "sh", "-c",
		"mount -t proc -o hidepid=2 proc " + mnt + ` && exec "$@"`, "sh"}
	t.Log(asNobody(t, "TestHidepidInside", wrap, hidepidEnv+"="+mnt))
}

func TestHidepidInside(t *testing.T) {
	root := os.Getenv(hidepidEnv)
	if root == "" || os.Geteuid() == 0 {
		t.Skip("run by TestHidepid as an unprivileged user")
	}
	f := proctest.Capture(t, root)
	pids, err := f.PIDs()
	if err != nil {
		t.Fatal(err)
	}
	self := os.Getpid()
	for _, pid := range pids {
		st, err := f.Process(pid).Status()
		if err != nil {
			continue // exited since the listing
		}
		if strconv.Itoa(int(st.UID.Real)) != nobody {
			t.Errorf("pid %d of uid %d is visible under hidepid=2", pid, st.UID.Real)
		}
	}
	if _, err := f.Process(1).Stat(); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat of hidden pid 1: %v; want fs.ErrNotExist", err)
	}
	snap, err := tree.Scan(context.Background(), f, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := snap.Node(self)
	if n == nil || !n.Orphan {
		t.Errorf("tree.Scan: this process %v; want it present and marked orphan (its parent is hidden)", n)
	}
	// Hidden processes are absent, not failures. A visible one may still
	// be unreadable: another package's test helper running as nobody at
	// the same time, which changed its uid and so is not dumpable.
	res, err := environ.Scan(context.Background(), f, nil)
	bad := func(f proc.Failure) bool {
		return f.PID == self || !errors.Is(f, fs.ErrNotExist) && !errors.Is(f, fs.ErrPermission)
	}
	if err != nil || slices.ContainsFunc(res.Failures, bad) || len(res.Failures) >= res.Processes {
		t.Errorf("environ.Scan = %+v, %v; want our own process readable and hidden ones absent", res, err)
	}
}

func second[T any](_ T, err error) error { return err }
