package proc_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/procscope/procscope/internal/fixtures"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
)

// The test binary re-executes itself as a child with a known comm, argv,
// working directory and number of threads (the helper "child", see
// proctest.RegisterHelper).
const commEnv = "PROCSCOPE_PROC_COMM" // the comm the child gives itself

func init() { proctest.RegisterHelper("child", func([]string) int { runChild(3); return 0 }) }

func TestMain(m *testing.M) { proctest.Main(m) }

// runChild names itself "proc child) x", starts n extra OS threads that each
// hold a locked goroutine, says "ready" and waits for its stdin to close.
func runChild(n int) {
	comm := "proc child) x"
	if c := os.Getenv(commEnv); c != "" {
		comm = c
	}
	if err := os.WriteFile("/proc/self/comm", []byte(comm), 0); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var started sync.WaitGroup
	for range n {
		started.Add(1)
		go func() {
			runtime.LockOSThread()
			started.Done()
			select {}
		}()
	}
	started.Wait()
	fmt.Println("ready")
	buf := make([]byte, 1)
	os.Stdin.Read(buf)
	os.Exit(0)
}

// startChild starts the test binary as a child and waits until it is ready.
func startChild(t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	return startChildWith(t, dir, nil, args...)
}

// startChildWith is startChild with attributes for the child, such as new
// namespaces; attr may be nil.
func startChildWith(t *testing.T, dir string, attr *syscall.SysProcAttr, args ...string) *exec.Cmd {
	t.Helper()
	cmd := proctest.HelperCommand(t, "child", args...)
	cmd.SysProcAttr = attr
	cmd.Dir = dir
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	buf := make([]byte, 6)
	if _, err := stdout.Read(buf); err != nil || string(buf) != "ready\n" {
		t.Fatalf("child did not start: %q, %v", buf, err)
	}
	return cmd
}

// summary is what the fixture tests compare: the fields of Stat, Status,
// Cmdline, Exe and Tasks that say what kind of process each fixture is.
type summary struct {
	Comm       string
	State      proc.State
	Kthread    bool
	NumThreads int
	TracerPid  int
	Name       string
	Cmdline    []string
	Exe        proc.Exe
	ExeErr     error
	Threads    []string
}

func summarize(t *testing.T, p proc.Process) summary {
	t.Helper()
	st, err := p.Stat()
	if err != nil {
		t.Fatalf("Stat() error %v", err)
	}
	status, err := p.Status()
	if err != nil {
		t.Fatalf("Status() error %v", err)
	}
	cmdline, err := p.Cmdline()
	if err != nil {
		t.Fatalf("Cmdline() error %v", err)
	}
	comm, err := p.Comm()
	if err != nil {
		t.Fatalf("Comm() error %v", err)
	}
	if comm != st.Comm || comm != status.Name {
		t.Errorf("Comm() = %q, stat comm %q, status Name %q; want all equal", comm, st.Comm, status.Name)
	}
	tasks, err := p.Tasks()
	if err != nil {
		t.Fatalf("Tasks() error %v", err)
	}
	var threads []string
	for _, task := range tasks {
		c, err := task.Comm()
		if err != nil {
			t.Fatalf("task %d Comm() error %v", task.TID, err)
		}
		threads = append(threads, c)
	}
	exe, exeErr := p.Exe()
	if exeErr != nil {
		exeErr = classify(exeErr)
	}
	exe.Dev, exe.Ino = 0, 0 // differ per machine; checked in TestExeDeleted
	return summary{
		Comm: st.Comm, State: st.State, Kthread: st.IsKernelThread(), NumThreads: st.NumThreads,
		TracerPid: status.TracerPid, Name: status.Name, Cmdline: cmdline, Exe: exe, ExeErr: exeErr, Threads: threads,
	}
}

// classify reduces an error to the sentinel a caller tests for.
func classify(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fs.ErrNotExist
	case errors.Is(err, fs.ErrPermission):
		return fs.ErrPermission
	}
	return err
}

func onlyPID(t *testing.T, f *proc.FS, comm string) proc.Process {
	t.Helper()
	for p, err := range f.All() {
		if err != nil {
			t.Fatal(err)
		}
		if c, err := p.Comm(); err == nil && c == comm {
			return p
		}
	}
	t.Fatalf("no process with comm %q", comm)
	return proc.Process{}
}

func TestFixtures(t *testing.T) {
	tests := []struct {
		fixture string
		comm    string
		want    summary
	}{
		{"shell", "sh", summary{Comm: "sh", State: proc.Sleeping, NumThreads: 1, Name: "sh",
			Cmdline: []string{"sh", "-c", "sleep 1000; :", "arg\xff\xfe"}, Exe: proc.Exe{Path: "/usr/bin/dash"}, Threads: []string{"sh"}}},
		{"threads", "python3", summary{Comm: "python3", State: proc.Sleeping, NumThreads: 5, Name: "python3",
			Cmdline: []string{"python3", "-c", "\nimport threading, time, ctypes\nlibc = ctypes.CDLL(None)\ndef run(i):\n    libc.prctl(15, (\"worker-%d\" % i).encode(), 0, 0, 0)\n    time.sleep(1000)\nfor i in range(4):\n    threading.Thread(target=run, args=(i,), daemon=True).start()\ntime.sleep(1000)"},
			Exe:     proc.Exe{Path: "/usr/bin/python3.11"}, Threads: []string{"python3", "worker-0", "worker-1", "worker-2", "worker-3"}}},
		{"kthread", "kthreadd", summary{Comm: "kthreadd", State: proc.Sleeping, Kthread: true, NumThreads: 1, Name: "kthreadd",
			Cmdline: []string{}, ExeErr: fs.ErrNotExist, Threads: []string{"kthreadd"}}},
		{"zombie", "sh", summary{Comm: "sh", State: proc.Zombie, NumThreads: 1, Name: "sh",
			Cmdline: []string{}, ExeErr: fs.ErrNotExist, Threads: []string{"sh"}}},
		{"stopped", "sleep", summary{Comm: "sleep", State: proc.Stopped, NumThreads: 1, Name: "sleep",
			Cmdline: []string{"sleep", "1000"}, Exe: proc.Exe{Path: "/usr/bin/sleep"}, Threads: []string{"sleep"}}},
		{"comm-paren", "x) (y z", summary{Comm: "x) (y z", State: proc.Sleeping, NumThreads: 1, Name: "x) (y z",
			Cmdline: []string{"/tmp/tmp.2jIZiLSyV6/x) (y z", "1000"}, Exe: proc.Exe{Path: "/tmp/tmp.2jIZiLSyV6/x) (y z"}, Threads: []string{"x) (y z"}}},
		{"deleted-exe", "gone-sleep", summary{Comm: "gone-sleep", State: proc.Sleeping, NumThreads: 1, Name: "gone-sleep",
			Cmdline: []string{"/tmp/tmp.2jIZiLSyV6/gone-sleep", "1000"}, Exe: proc.Exe{Path: "/tmp/tmp.2jIZiLSyV6/gone-sleep", Deleted: true}, Threads: []string{"gone-sleep"}}},
		{"deleted-exe", "live (deleted)", summary{Comm: "live (deleted)", State: proc.Sleeping, NumThreads: 1, Name: "live (deleted)",
			Cmdline: []string{"/tmp/tmp.2jIZiLSyV6/live (deleted)", "1000"}, Exe: proc.Exe{Path: "/tmp/tmp.2jIZiLSyV6/live (deleted)"}, Threads: []string{"live (deleted)"}}},
		{"argv-rewritten", "title", summary{Comm: "title", State: proc.Sleeping, NumThreads: 1, Name: "title",
			Cmdline: []string{"title: rewritten" + strings.Repeat("-", 43)}, Exe: proc.Exe{Path: "/tmp/tmp.2jIZiLSyV6/title"}, Threads: []string{"title"}}},
		{"traced", "sleep", summary{Comm: "sleep", State: proc.Sleeping, NumThreads: 1, TracerPid: 8066, Name: "sleep",
			Cmdline: []string{"sleep", "1000"}, Exe: proc.Exe{Path: "/usr/bin/sleep"}, Threads: []string{"sleep"}}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture+"/"+tt.comm, func(t *testing.T) {
			f := fixtures.FS(t, tt.fixture)
			got := summarize(t, onlyPID(t, f, tt.comm))
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
				t.Errorf("fixture %s (-want +got):\n%s", tt.fixture, diff)
			}
		})
	}
}

func TestExeDeleted(t *testing.T) {
	f := fixtures.FS(t, "deleted-exe")
	gone, err := onlyPID(t, f, "gone-sleep").Exe()
	if err != nil {
		t.Fatal(err)
	}
	live, err := onlyPID(t, f, "live (deleted)").Exe()
	if err != nil {
		t.Fatal(err)
	}
	if !gone.Deleted || live.Deleted {
		t.Errorf("Deleted = %v, %v; want true for the deleted binary, false for the one named \"live (deleted)\"", gone.Deleted, live.Deleted)
	}
	if gone.Ino == 0 || live.Ino == 0 || gone.Ino == live.Ino || gone.Dev != live.Dev {
		t.Errorf("inodes %d@%d and %d@%d; want two distinct inodes on one device", gone.Ino, gone.Dev, live.Ino, live.Dev)
	}
}

func TestPermissionPerFile(t *testing.T) {
	// pid 1 of the capturing machine refused even root its environ, exe and fds.
	p := fixtures.FS(t, "init").Process(1)
	if _, err := p.Stat(); err != nil {
		t.Errorf("Stat() error %v; want the readable files to stay readable", err)
	}
	if _, err := p.ReadFile("environ"); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("ReadFile(environ) error %v; want fs.ErrPermission", err)
	}
	if _, err := p.Exe(); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Exe() error %v; want fs.ErrPermission", err)
	}
	if _, err := p.Cwd(); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Cwd() error %v; want fs.ErrPermission", err)
	}
}

// TestLive reads a child the test started, whose comm, argv, working
// directory and thread count are known.
func TestLive(t *testing.T) {
	dir := t.TempDir()
	args := []string{"-test.run=^$", "", "arg with space", "\xff\xfe not utf-8"}
	cmd := startChild(t, dir, args...)
	f := proc.Default()
	p := f.Process(cmd.Process.Pid)

	st, err := p.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if st.PID != cmd.Process.Pid || st.PPID != os.Getpid() || st.Comm != "proc child) x" || st.NumThreads < 4 {
		t.Errorf("Stat() = pid %d ppid %d comm %q threads %d; want %d, %d, %q, >= 4", st.PID, st.PPID, st.Comm, st.NumThreads, cmd.Process.Pid, os.Getpid(), "proc child) x")
	}
	status, err := p.Status()
	if err != nil {
		t.Fatal(err)
	}
	if status.Name != st.Comm || status.PPid != os.Getpid() || status.Threads != st.NumThreads || status.Tgid != st.PID {
		t.Errorf("Status() = name %q ppid %d threads %d tgid %d; want it to agree with Stat", status.Name, status.PPid, status.Threads, status.Tgid)
	}
	cmdline, err := p.Cmdline()
	if err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	if diff := cmp.Diff(append([]string{exe}, proctest.HelperArgs("child", args...)...), cmdline); diff != "" {
		t.Errorf("Cmdline() (-want +got):\n%s", diff)
	}
	gotExe, err := p.Exe()
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(exe)
	if err != nil {
		t.Fatal(err)
	}
	sys := fi.Sys().(*syscall.Stat_t)
	if want := (proc.Exe{Path: exe, Dev: uint64(sys.Dev), Ino: sys.Ino}); gotExe != want {
		t.Errorf("Exe() = %+v; want %+v", gotExe, want)
	}
	cwd, err := p.Cwd()
	if err != nil || cwd != dir {
		t.Errorf("Cwd() = %q, %v; want %q", cwd, err, dir)
	}
	root, err := p.Root()
	if err != nil || root != "/" {
		t.Errorf("Root() = %q, %v; want /", root, err)
	}
	tasks, err := p.Tasks()
	if err != nil {
		t.Fatal(err)
	}
	// The Go runtime of the child may start a thread at any moment, so the
	// listing must fall between the counts read before and after it.
	after, err := p.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) < st.NumThreads || len(tasks) > after.NumThreads || tasks[0].TID != st.PID {
		t.Errorf("Tasks() = %d tasks starting at %d; want %d to %d starting at the leader %d", len(tasks), tasks[0].TID, st.NumThreads, after.NumThreads, st.PID)
	}
	for _, task := range tasks {
		ts, err := task.Stat()
		if err != nil {
			t.Fatal(err)
		}
		if ts.PID != task.TID {
			t.Errorf("task %d Stat().PID = %d", task.TID, ts.PID)
		}
	}
	pids, err := f.PIDs()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i, pid := range pids {
		found = found || pid == st.PID
		if i > 0 && pids[i-1] >= pid {
			t.Fatalf("PIDs() not in numeric order at %d: %d then %d", i, pids[i-1], pid)
		}
	}
	if !found {
		t.Errorf("PIDs() lacks the child %d", st.PID)
	}
}

// TestGone reads a process that exited (a zombie, then reaped).
func TestGone(t *testing.T) {
	cmd := startChild(t, "")
	pid := cmd.Process.Pid
	p := proc.Default().Process(pid)
	cmd.Process.Signal(syscall.SIGTERM)
	// Wait for the zombie without reaping it.
	var st proc.Stat
	for range 500 {
		var err error
		if st, err = p.Stat(); err == nil && st.State == proc.Zombie {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if st.State != proc.Zombie {
		t.Fatalf("child state %v; want zombie", st.State)
	}
	if c, err := p.Cmdline(); err != nil || len(c) != 0 || c == nil {
		t.Errorf("zombie Cmdline() = %#v, %v; want an empty non-nil list", c, err)
	}
	if _, err := p.Exe(); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("zombie Exe() error %v; want fs.ErrNotExist", err)
	}
	cmd.Wait()
	for name, read := range map[string]func() error{
		"Stat":    func() error { _, err := p.Stat(); return err },
		"Status":  func() error { _, err := p.Status(); return err },
		"Cmdline": func() error { _, err := p.Cmdline(); return err },
		"Exe":     func() error { _, err := p.Exe(); return err },
		"Tasks":   func() error { _, err := p.Tasks(); return err },
	} {
		if err := read(); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s() of a reaped process: error %v; want fs.ErrNotExist", name, err)
		}
	}
}

// TestCaptureRoundTrip captures a stopped child and reads it back: every
// reader must give what it gave on the live process.
func TestCaptureRoundTrip(t *testing.T) {
	cmd := startChild(t, t.TempDir(), "-test.run=^$", "x\xffy")
	pid := cmd.Process.Pid
	if err := cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	live := proc.Default().Process(pid)
	proctest.WaitStopped(t, live)
	dir := t.TempDir()
	if _, err := proc.Capture(dir, proc.Default(), []int{pid}, nil); err != nil {
		t.Fatal(err)
	}
	captured := proctest.Capture(t, dir).Process(pid)
	readAll := func(p proc.Process) []any {
		st, err1 := p.Stat()
		status, err2 := p.Status()
		cmdline, err3 := p.Cmdline()
		exe, err4 := p.Exe()
		cwd, err5 := p.Cwd()
		tasks, err6 := p.Tasks()
		var tids []int
		for _, task := range tasks {
			tids = append(tids, task.TID)
		}
		cgs, err7 := p.Cgroup()
		nss, err8 := p.Namespaces()
		mounts, err9 := p.MountInfo()
		attr, err10 := p.Attr()
		limits, err11 := p.Limits()
		statm, err12 := p.Statm()
		rollup, err13 := p.SmapsRollup()
		maps, err14 := p.Maps()
		io, err15 := p.IO()
		oom, err16 := p.OOMScoreAdj()
		login, err17 := p.LoginUID()
		session, err18 := p.SessionID()
		if err := errors.Join(err1, err2, err3, err4, err5, err6, err7, err8, err9, err10,
			err11, err12, err13, err14, err15, err16, err17, err18); err != nil {
			t.Fatal(err)
		}
		if len(cgs) == 0 || len(nss) < 7 || len(mounts) == 0 || attr.LSM == "" || len(limits) != 16 || rollup.Rss == 0 || len(maps) == 0 {
			t.Errorf("read %d cgroup lines, %d namespaces, %d mounts, LSM %q, %d limits, Rss %d, %d maps; want each",
				len(cgs), len(nss), len(mounts), attr.LSM, len(limits), rollup.Rss, len(maps))
		}
		// Of smaps_rollup, only Rss holds still in a stopped process: the
		// proportional and shared sums change as others map the same files.
		return []any{st, status, cmdline, exe, cwd, tids, cgs, nss, mounts, attr, limits, statm, rollup.Rss, maps, io, oom, login, session}
	}
	// SigQ counts the signals queued for the whole user, not the process:
	// it changes with anything else the user runs.
	ignoreSigQ := cmpopts.IgnoreFields(proc.Status{}, "SigQ")
	if diff := cmp.Diff(readAll(live), readAll(captured), ignoreSigQ); diff != "" {
		t.Errorf("capture differs from live (-live +capture):\n%s", diff)
	}
	cmd.Process.Signal(syscall.SIGCONT)
}

func TestPIDsNumericAndEmptyDirs(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"9", "10", "100", "self", "0x1", "01"} {
		os.MkdirAll(filepath.Join(dir, name), 0o755)
	}
	os.WriteFile(filepath.Join(dir, proc.CaptureFile), []byte(`{"pids":[9],"empty_dirs":["9/fd"],"errors":{"10/stat":"ESRCH"}}`), 0o644)
	f := proctest.Capture(t, dir)
	pids, err := f.PIDs()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{9, 10, 100}, pids); diff != "" {
		t.Errorf("PIDs() (-want +got):\n%s", diff)
	}
	ents, err := f.ReadDir("9/fd")
	if err != nil || len(ents) != 0 {
		t.Errorf("ReadDir(9/fd) = %v, %v; want an empty list", ents, err)
	}
	_, err = f.Process(10).Stat()
	if !errors.Is(err, proc.ErrGone) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat() of a process recorded as ESRCH: error %v; want ErrGone and fs.ErrNotExist", err)
	}
}

func TestMalformedFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644)
	}
	write("5/stat", "5 (x) S 1 5 5 0 -1 4194304 1 0 0 0 0 0 0")
	write("5/status", "Name:\tx\nPid:\tfive\n")
	write("5/comm", "x")
	f := proctest.Capture(t, dir)
	p := f.Process(5)
	tests := []struct {
		name  string
		read  func() error
		field string
	}{
		{"stat", func() error { _, err := p.Stat(); return err }, "cstime"},
		{"status", func() error { _, err := p.Status(); return err }, "Pid"},
		{"comm", func() error { _, err := p.Comm(); return err }, "comm"},
	}
	for _, tt := range tests {
		err := tt.read()
		var pe *proc.ParseError
		if !errors.As(err, &pe) || !errors.Is(err, proc.ErrParse) || pe.Path != "5/"+tt.name || pe.Field != tt.field {
			t.Errorf("%s: error %v; want a ParseError for 5/%s field %s", tt.name, err, tt.name, tt.field)
		}
	}
}

// TestCommEscapes names a child with a newline, a backslash and a tab: stat
// and comm show the bytes, status escapes them, and all three agree after
// parsing.
func TestCommEscapes(t *testing.T) {
	const comm = "a\nb\\c\td)"
	t.Setenv(commEnv, comm)
	cmd := startChild(t, "")
	p := proc.Default().Process(cmd.Process.Pid)
	raw, err := p.ReadFile("status")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(raw), `Name:	a\nb\\c`) {
		t.Fatalf("status does not escape the name as expected: %q", raw[:32])
	}
	summary := summarize(t, p) // fails unless Comm, Stat.Comm and Status.Name agree
	if summary.Comm != comm {
		t.Errorf("Stat().Comm = %q; want %q", summary.Comm, comm)
	}
}
