//go:build linux

package environ

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/internal/fixtures"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
	"github.com/procscope/procscope/secret"
)

// child is a re-executed test binary waiting for its stdin to close.
type child struct {
	p     *os.Process
	stdin *os.File
}

// startChild starts the helper with exactly env (os.StartProcess passes it
// as is: no deduplication, entries without '=' kept) and extra arguments.
func startChild(t *testing.T, env []string, args ...string) *child {
	t.Helper()
	return startChildMode(t, helperArg, env, args...)
}

// startChildMode is startChild with the helper mode (os.Args[1]) chosen.
func startChildMode(t *testing.T, mode string, env []string, args ...string) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	p, err := os.StartProcess(exe, append([]string{exe}, proctest.HelperArgs(mode, args...)...), &os.ProcAttr{
		Env:   env,
		Files: []*os.File{r, devnull, devnull},
	})
	r.Close()
	if err != nil {
		w.Close()
		t.Fatal(err)
	}
	c := &child{p: p, stdin: w}
	t.Cleanup(func() {
		c.stdin.Close()
		c.p.Kill()
		c.p.Wait()
	})
	// Wait until the child has exec'ed (its exe is the test binary).
	for i := 0; ; i++ {
		// Exec'ed: the command line shows the mode (or, for the zombie
		// leader mode, the leader is already a zombie: only exec'ed code
		// does that).
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(p.Pid) + "/cmdline")
		st, _ := proc.Default().Process(p.Pid).Stat()
		if bytes.Contains(b, []byte(mode)) || st.State == proc.Zombie {
			break
		}
		if i > 500 {
			t.Fatal("child did not start")
		}
		time.Sleep(2 * time.Millisecond)
	}
	return c
}

// exitZombie makes the child exit without reaping it and waits for state Z.
func (c *child) exitZombie(t *testing.T) {
	t.Helper()
	c.stdin.Close()
	p := proc.Default().Process(c.p.Pid)
	for i := 0; ; i++ {
		// The leader of a multi-threaded exit turns Z while its other
		// threads are still going; only when they are all gone is the
		// process fully a zombie.
		st, err := p.Stat()
		if tasks, terr := p.Tasks(); err == nil && terr == nil && st.State == proc.Zombie && len(tasks) == 1 {
			return
		}
		if i > 1000 {
			t.Fatalf("child %d did not become a zombie (stat %v, %v)", c.p.Pid, st.State, err)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

var liveEnv = []string{
	"HOME=/nonexistent",
	"DB_PASSWORD=Hu7xq2Lp!",
	"GITHUB_TOKEN=ghp_" + "Zq81LmX0aT4vB7nC2kD9eF5gH3jK6pR1sU8w",
	"BIN\xff=\xfe\x80value",
	"NOEQUALS",
	"=emptyname",
	"EMPTY=",
	"DUP=first",
	"DUP=second",
	"A=b=c",
}

func TestReadLive(t *testing.T) {
	c := startChild(t, liveEnv)
	env, err := Read(proc.Default().Process(c.p.Pid))
	if err != nil {
		t.Fatalf("Read(child) error: %v", err)
	}
	want := []byte(strings.Join(liveEnv, "\x00") + "\x00")
	if got := env.Bytes(); !bytes.Equal(got, want) {
		t.Fatalf("Read(child).Bytes() = %q, want %q", got, want)
	}
	if v, ok := env.Lookup("DUP"); v != "first" || !ok {
		t.Errorf("Lookup(DUP) = %q, %v; want first", v, ok)
	}
	if len(env.Entries) != len(liveEnv) || !env.Entries[4].NoEquals || env.Entries[4].Name != "NOEQUALS" {
		t.Errorf("entries = %v", env.Entries)
	}
	got := env.Secrets()
	wantSecrets := []Secret{{1, "DB_PASSWORD", secret.ReasonPassword}, {2, "GITHUB_TOKEN", "github-token"}}
	if diff := cmp.Diff(wantSecrets, got); diff != "" {
		t.Errorf("Secrets() mismatch (-want +got):\n%s", diff)
	}
}

// TestReadEmptyEnvironment: env -i gives an empty environment, no error.
func TestReadEmptyEnvironment(t *testing.T) {
	c := startChild(t, []string{})
	env, err := Read(proc.Default().Process(c.p.Pid))
	if err != nil || len(env.Entries) != 0 || env.Unterminated {
		t.Fatalf("Read(env -i child) = %+v, %v; want empty, <nil>", env, err)
	}
}

// TestReadZombie: a zombie has no memory left; Read says it is gone.
func TestReadZombie(t *testing.T) {
	c := startChild(t, liveEnv)
	c.exitZombie(t)
	env, err := Read(proc.Default().Process(c.p.Pid))
	if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, proc.ErrGone) {
		t.Fatalf("Read(zombie) = %v, %v; want an error matching fs.ErrNotExist and proc.ErrGone", env, err)
	}
	if len(env.Entries) != 0 {
		t.Errorf("Read(zombie) returned entries with its error: %v", env.Entries)
	}
}

// TestReadReapedWhileOpen: the kernel's silent case. The file is opened
// while the process lives; it is then reaped, and the read returns 0 bytes
// and no error. check must report the process gone.
func TestReadReapedWhileOpen(t *testing.T) {
	c := startChild(t, liveEnv)
	pid := c.p.Pid
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c.stdin.Close()
	if _, err := c.p.Wait(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, err := f.Read(buf)
	if err != nil && !errors.Is(err, syscall.ESRCH) && !errors.Is(err, io.EOF) {
		t.Fatalf("read after reap: %d, %v", n, err)
	}
	if n != 0 {
		t.Fatalf("read after reap returned %d bytes; the kernel used to return 0", n)
	}
	env, err := check(proc.Default().Process(pid), buf[:0], nil)
	if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, proc.ErrGone) {
		t.Fatalf("check(reaped, empty) = %v, %v; want gone", env, err)
	}
	if _, err := Read(proc.Default().Process(pid)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read(reaped) error = %v; want fs.ErrNotExist", err)
	}
}

func TestReadFixtures(t *testing.T) {
	tests := []struct {
		fixture string
		pid     int
		check   func(t *testing.T, env Env, err error)
	}{
		{"shell", 7967, func(t *testing.T, env Env, err error) {
			if err != nil {
				t.Fatal(err)
			}
			if v, ok := env.Lookup("FIXTURE"); !ok || v != "1" {
				t.Errorf("Lookup(FIXTURE) = %q, %v", v, ok)
			}
		}},
		{"zombie", 8004, func(t *testing.T, env Env, err error) {
			if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, proc.ErrGone) {
				t.Errorf("zombie: err = %v; want gone", err)
			}
		}},
		{"kthread", 2, func(t *testing.T, env Env, err error) {
			if err != nil || len(env.Entries) != 0 {
				t.Errorf("kernel thread: %v, %v; want empty, <nil>", env, err)
			}
		}},
		{"init", 1, func(t *testing.T, env Env, err error) {
			if !errors.Is(err, fs.ErrPermission) {
				t.Errorf("init (unreadable in capture): err = %v; want fs.ErrPermission", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			env, err := Read(fixtures.FS(t, tt.fixture).Process(tt.pid))
			tt.check(t, env, err)
		})
	}
}

func TestReadLiveKernelThread(t *testing.T) {
	env, err := Read(proc.Default().Process(2))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("no pid 2 (kthreadd) in this pid namespace")
	}
	if err != nil || len(env.Entries) != 0 {
		t.Fatalf("Read(kthreadd) = %v, %v; want empty, <nil>", env, err)
	}
}
