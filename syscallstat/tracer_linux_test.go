//go:build linux && (amd64 || arm64)

package syscallstat_test

import (
	"bufio"
	"bytes"
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
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procscope/procscope/internal/testexe"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/syscallstat"
)

// skipIfNoPtrace skips when ptrace is denied to this test process.
func skipIfNoPtrace(t *testing.T, err error) {
	t.Helper()
	if errors.Is(err, fs.ErrPermission) {
		t.Skipf("ptrace not permitted here: %v", err)
	}
}

// mustTrace ends the test if Start or Attach failed: skipped if ptrace is
// denied, failed otherwise.
func mustTrace(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		skipIfNoPtrace(t, err)
		t.Fatal(err)
	}
}

// trace runs workload w under the tracer and returns the summary.
func trace(t *testing.T, w string, n int, opts *syscallstat.Options) (*syscallstat.Summary, string) {
	t.Helper()
	cmd := workloadCmd(t, w, n)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	tr, err := syscallstat.Start(cmd, opts)
	if err != nil {
		skipIfNoPtrace(t, err)
		t.Fatalf("Start(%s): %v", w, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sum, err := tr.Wait(ctx)
	if err != nil {
		t.Fatalf("Wait(%s): %v", w, err)
	}
	return sum, out.String()
}

func calls(s *syscallstat.Summary, name string) (uint64, uint64) {
	r, _ := s.Syscalls.Lookup(syscallstat.Native, name)
	return r.Calls, r.Errors
}

// straceCounts runs workload w under strace -c -f and parses the summary.
func straceCounts(t *testing.T, w string, n int, extra ...string) syscallstat.Table {
	t.Helper()
	return straceTest(t, extra, workloadArgs(w, n))
}

// straceTest runs the test binary with args under strace -c -f and the
// options extra, and parses the summary; it skips without strace. A
// workload that exits non-zero is still summarised.
func straceTest(t *testing.T, extra, args []string) syscallstat.Table {
	t.Helper()
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not installed")
	}
	out := filepath.Join(t.TempDir(), "strace.out")
	exe, _ := os.Executable()
	args = append(append(append([]string{"-c", "-f", "-o", out}, extra...), exe), args...)
	cmd := exec.Command("strace", args...)
	if b, err := cmd.CombinedOutput(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("strace: %v\n%s", err, b)
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := syscallstat.ParseSummary(b)
	if err != nil {
		t.Fatalf("ParseSummary(strace output): %v\n%s", err, b)
	}
	return tab
}

func TestWorkloadsMatchStrace(t *testing.T) {
	tests := []struct {
		w    string
		n    int
		want map[string][2]uint64 // name: calls, errors; for deliberate calls
		min  bool                 // counts are lower bounds (runtime adds its own)
	}{
		{"getppid", 1000, map[string][2]uint64{"getppid": {1000, 0}}, false},
		{"openfail", 300, map[string][2]uint64{"openat": {300, 300}}, true},
		{"write", 500, map[string][2]uint64{"write": {500, 0}}, true},
		{"threads", 250, map[string][2]uint64{"getppid": {1000, 0}}, false},
		{"forks", 5, map[string][2]uint64{"getppid": {15, 0}, "execve": {6, 0}}, false},
		{"signals", 50, map[string][2]uint64{"kill": {50, 0}}, false},
		{"vforkexec", 3, map[string][2]uint64{"execve": {4, 0}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.w, func(t *testing.T) {
			sum, _ := trace(t, tt.w, tt.n, &syscallstat.Options{Follow: true})
			if sum.Exit.Code != 0 || sum.Exit.Signal != 0 || !sum.Exit.Exited {
				t.Errorf("Exit = %+v, want code 0", sum.Exit)
			}
			for name, want := range tt.want {
				c, e := calls(sum, name)
				if tt.min {
					if c < want[0] || e < want[1] {
						t.Errorf("%s: calls %d errors %d, want at least %v", name, c, e, want)
					}
				} else if c != want[0] || e != want[1] {
					t.Errorf("%s: calls %d errors %d, want %v", name, c, e, want)
				}
			}
			// The known counts above hold without strace; the
			// comparison below skips when it is missing.
			st := straceCounts(t, tt.w, tt.n)
			for name := range tt.want {
				c, e := calls(sum, name)
				sr, _ := st.Lookup(syscallstat.Native, name)
				if c != sr.Calls || e != sr.Errors {
					t.Errorf("%s: ours calls %d errors %d, strace -c -f calls %d errors %d", name, c, e, sr.Calls, sr.Errors)
				}
			}
		})
	}
}

func TestPerProcessAndThread(t *testing.T) {
	sum, _ := trace(t, "forks", 3, &syscallstat.Options{Follow: true})
	var total uint64
	procs := 0
	for _, p := range sum.Processes {
		r, _ := p.Syscalls.Lookup(syscallstat.Native, "getppid")
		if r.Calls > 0 {
			procs++
			total += r.Calls
		}
		var th uint64
		for _, tt := range p.Threads {
			x, _ := tt.Syscalls.Lookup(syscallstat.Native, "getppid")
			th += x.Calls
		}
		if th != r.Calls {
			t.Errorf("pid %d: threads sum to %d getppid, process says %d", p.PID, th, r.Calls)
		}
	}
	if procs != 3 || total != 1+2+3 {
		t.Errorf("getppid in %d processes, %d calls; want 3 processes, 6 calls", procs, total)
	}
	if got := sum.Syscalls.Total(); got.Calls == 0 {
		t.Errorf("total calls 0")
	}
}

func TestNoFollow(t *testing.T) {
	sum, _ := trace(t, "forks", 2, nil)
	if c, _ := calls(sum, "getppid"); c != 0 {
		t.Errorf("without Follow: getppid counted %d times in children", c)
	}
	if len(sum.Processes) != 1 {
		t.Errorf("without Follow: %d processes", len(sum.Processes))
	}
}

func TestFilter(t *testing.T) {
	sum, _ := trace(t, "getppid", 100, &syscallstat.Options{Follow: true, Syscalls: []string{"getppid", "execve"}})
	for _, r := range sum.Syscalls {
		if r.Name != "getppid" && r.Name != "execve" {
			t.Errorf("filtered trace counted %s", r.Name)
		}
	}
	if c, _ := calls(sum, "getppid"); c != 100 {
		t.Errorf("getppid = %d, want 100", c)
	}
	if _, err := syscallstat.Start(exec.Command("/bin/true"), &syscallstat.Options{Syscalls: []string{"nosuchcall"}}); err == nil {
		t.Error("unknown syscall name accepted")
	}
}

func TestExitStatus(t *testing.T) {
	sum, _ := trace(t, "exitcode", 0, &syscallstat.Options{Follow: true})
	if want := (syscallstat.Exit{Exited: true, Code: 7}); sum.Exit != want {
		t.Errorf("Exit = %+v, want %+v", sum.Exit, want)
	}
	sum, _ = trace(t, "killself", 0, &syscallstat.Options{Follow: true})
	if sum.Exit.Signal != syscall.SIGTERM || sum.Exit.ExitCode() != 128+15 {
		t.Errorf("Exit = %+v, want killed by SIGTERM", sum.Exit)
	}
}

func TestSignalsDelivered(t *testing.T) {
	const n = 40
	_, out := trace(t, "signals", n, &syscallstat.Options{Follow: true})
	if strings.TrimSpace(out) != strconv.Itoa(n) {
		t.Errorf("traced handler got %q signals, want %d", out, n)
	}
	b, err := workloadCmd(t, "signals", n).Output()
	if err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(n) {
		t.Errorf("untraced handler got %q signals (%v), want %d", b, err, n)
	}
}

func TestExecFromThread(t *testing.T) {
	sum, _ := trace(t, "execthread", 0, &syscallstat.Options{Follow: true})
	if sum.Exit != (syscallstat.Exit{Exited: true}) {
		t.Errorf("Exit = %+v, want /bin/true's 0", sum.Exit)
	}
	if c, _ := calls(sum, "execve"); c != 2 {
		t.Errorf("execve = %d, want 2 (the launch and the thread's)", c)
	}
}

// TestExecFromThreadLeaderBlocked: a thread execs while the leader is
// blocked in ppoll (a call the Go runtime never makes). The kernel gives the
// execing thread the leader's TID; the event's message (its former TID) says
// whose execve returns, so the leader's ppoll, which never returns, is not
// counted, and the counts of both calls equal strace -c -f's.
func TestExecFromThreadLeaderBlocked(t *testing.T) {
	sum, _ := trace(t, "execthreadblocked", 0, &syscallstat.Options{Follow: true})
	if sum.Exit != (syscallstat.Exit{Exited: true}) {
		t.Errorf("Exit = %+v, want /bin/true's 0", sum.Exit)
	}
	want := map[string][2]uint64{"execve": {2, 0}, "ppoll": {0, 0}}
	for name, w := range want {
		if c, e := calls(sum, name); c != w[0] || e != w[1] {
			t.Errorf("%s: calls %d errors %d, want %v", name, c, e, w)
		}
	}
	st := straceCounts(t, "execthreadblocked", 0)
	for name := range want {
		c, e := calls(sum, name)
		r, _ := st.Lookup(syscallstat.Native, name)
		if c != r.Calls || e != r.Errors {
			t.Errorf("%s: ours calls %d errors %d, strace -c -f calls %d errors %d", name, c, e, r.Calls, r.Errors)
		}
	}
}

// procState returns the state letter and TracerPid of task pid, or 0, -1.
func procState(pid int) (state byte, tracer int) {
	st, err := proc.Default().Process(pid).Status()
	if err != nil {
		return 0, -1
	}
	return byte(st.State), st.TracerPID
}

func TestGroupStop(t *testing.T) {
	cmd := workloadCmd(t, "sigstop", 0)
	var out bytes.Buffer
	cmd.Stdout = &out
	tr, err := syscallstat.Start(cmd, &syscallstat.Options{Follow: true})
	mustTrace(t, err)
	pid := tr.PID()
	var sum *syscallstat.Summary
	finished := make(chan struct{})
	go func() { sum, _ = tr.Wait(context.Background()); close(finished) }()
	t.Cleanup(func() { tr.Cancel(syscall.SIGKILL); <-finished })
	ended := func() bool {
		select {
		case <-finished:
			return true
		default:
			return false
		}
	}
	// It must stop and stay stopped (state t: a traced task in group-stop).
	deadline := time.Now().Add(10 * time.Second)
	for {
		if st, _ := procState(pid); st == 't' || st == 'T' {
			break
		}
		if ended() || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if ended() {
		t.Fatalf("trace ended while the workload was stopped: output %q exit %+v", out.String(), sum.Exit)
	}
	if st, _ := procState(pid); st != 't' && st != 'T' {
		t.Errorf("stopped workload is in state %c after 300ms, want still stopped", st)
	}
	// A SIGCONT that comes before the tracer has passed the SIGSTOP on
	// (on a busy machine) is overtaken by the stop, as it would be by a
	// SIGSTOP sent after it to an untraced process: send it until the
	// workload goes on.
	deadline = time.Now().Add(20 * time.Second)
	for !ended() {
		if time.Now().After(deadline) {
			t.Fatal("workload did not finish after SIGCONT")
		}
		syscall.Kill(pid, syscall.SIGCONT)
		select {
		case <-finished:
		case <-time.After(500 * time.Millisecond):
		}
	}
	if strings.TrimSpace(out.String()) != "resumed" || sum.Exit.Code != 0 || !sum.Exit.Exited {
		t.Errorf("after SIGCONT: output %q exit %+v", out.String(), sum.Exit)
	}
}

// startSpinner starts the spin workload untraced and waits until it runs.
func startSpinner(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := workloadCmd(t, "spin", 0)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	bufio.NewReader(stdout).ReadString('\n')
	return cmd
}

func TestAttachDetach(t *testing.T) {
	// Two threads make 50 getppid calls each once told to go, with the
	// trace attached: a count that does not depend on the machine's speed.
	cmd := workloadCmd(t, "spinsync", 50)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := bufio.NewReader(stdout)
	if l, _ := lines.ReadString('\n'); l != "ready\n" {
		t.Fatalf("spinsync: %q, want ready", l)
	}
	pid := cmd.Process.Pid
	tr, err := syscallstat.Attach(pid, &syscallstat.Options{Follow: true, WallClock: true})
	mustTrace(t, err)
	// TracerPid names the tracer thread, one of ours.
	if _, tracer := procState(pid); tracer <= 0 || !slices.Contains(tids(t, os.Getpid()), tracer) {
		t.Errorf("TracerPid = %d while attached, want a thread of ours (%d)", tracer, os.Getpid())
	}
	// A second tracer on the same process gets a clear error.
	if _, err := syscallstat.Attach(pid, nil); !errors.Is(err, syscallstat.ErrAlreadyTraced) {
		t.Errorf("second Attach: %v, want ErrAlreadyTraced", err)
	}
	stdin.Write([]byte("go\n"))
	done := make(chan error, 1)
	go func() {
		for range 2 {
			if l, err := lines.ReadString('\n'); l != "done\n" {
				done <- fmt.Errorf("spinsync: %q (%v), want done", l, err)
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			tr.Close()
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		tr.Close()
		t.Fatal("the traced workload did not make its calls in 30s")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	sum, err := tr.Wait(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v, want the context's error", err)
	}
	if c, _ := calls(sum, "getppid"); c < 100 {
		t.Errorf("getppid = %d, want >= 100 (50 by each of two threads while attached)", c)
	}
	// The two threads and the one that read stdin.
	if len(sum.Processes) != 1 || len(sum.Processes[0].Threads) < 3 {
		t.Errorf("want 1 process with >= 3 threads, got %+v", sum.Processes)
	}
	time.Sleep(200 * time.Millisecond)
	for _, tid := range tids(t, pid) {
		st, tracer := procState(tid)
		if tracer != 0 || st == 't' || st == 'T' {
			t.Errorf("thread %d after detach: state %c TracerPid %d, want running and untraced", tid, st, tracer)
		}
	}
	// And it keeps running: its threads still make calls (it is not
	// stopped by a stray SIGSTOP).
	if err := cmd.Process.Signal(syscall.Signal(0)); err != nil {
		t.Errorf("spinner gone after detach: %v", err)
	}
}

func tids(t *testing.T, pid int) []int {
	tasks, err := proc.Default().Process(pid).Tasks()
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, task := range tasks {
		out = append(out, task.TID)
	}
	return out
}

func TestAttachErrors(t *testing.T) {
	_, err := syscallstat.Attach(1<<22+12345, nil)
	if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, proc.ErrGone) {
		t.Errorf("Attach(no such pid) = %v, want fs.ErrNotExist and proc.ErrGone", err)
	}
	if err != nil && strings.Contains(err.Error(), "\n") {
		t.Errorf("Attach(no such pid) error has more than one line: %q", err)
	}
	// What cannot be traced is named for what it is, not blamed on
	// permissions.
	zombie := exec.Command("/bin/true")
	if err := zombie.Start(); err != nil {
		t.Fatal(err)
	}
	defer zombie.Wait()
	waitState(t, zombie.Process.Pid, "Z")
	for _, tt := range []struct {
		name string
		pid  int
		want string
		gone bool
	}{
		{"self", os.Getpid(), "is this process", false},
		{"zombie", zombie.Process.Pid, "is a zombie", true},
		{"kthreadd", 2, "is a kernel thread", false},
	} {
		if tt.name == "kthreadd" {
			if st, err := proc.Default().Process(2).Stat(); err != nil || !st.IsKernelThread() {
				continue // pid 2 is not kthreadd here (a pid namespace)
			}
		}
		_, err := syscallstat.Attach(tt.pid, &syscallstat.Options{Follow: true})
		if err == nil || !strings.Contains(err.Error(), tt.want) || errors.Is(err, proc.ErrGone) != tt.gone ||
			strings.Contains(err.Error(), "CAP_SYS_PTRACE") || strings.Contains(err.Error(), "\n") {
			t.Errorf("Attach(%s) = %v, want one line saying %q (gone: %v)", tt.name, err, tt.want, tt.gone)
		}
	}
	_, err = syscallstat.Start(exec.Command("/nonexistent/cmd"), nil)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Start(missing command) = %v, want fs.ErrNotExist", err)
	}
	// Executable but not a program: the execve in the launcher fails, and
	// Start says how.
	bad := filepath.Join(t.TempDir(), "garbage")
	os.WriteFile(bad, []byte("\x00\x01 not a program"), 0o755)
	for _, opts := range []*syscallstat.Options{nil, {Follow: true, SeccompBPF: true}} {
		_, err = syscallstat.Start(exec.Command(bad), opts)
		if !errors.Is(err, syscall.ENOEXEC) {
			t.Errorf("Start(%+v, not a program) = %v, want ENOEXEC", opts, err)
		}
	}
}

func TestCancelLaunched(t *testing.T) {
	cmd := workloadCmd(t, "spin", 0)
	tr, err := syscallstat.Start(cmd, &syscallstat.Options{Follow: true})
	mustTrace(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	sum, err := tr.Wait(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v, want deadline", err)
	}
	if sum.Exit.Signal != syscall.SIGKILL {
		t.Errorf("Exit = %+v, want killed by SIGKILL", sum.Exit)
	}
}

// TestAttachStopped attaches to a stopped process: it stays stopped while
// traced and after the detach.
func TestAttachStopped(t *testing.T) {
	cmd := startSpinner(t)
	pid := cmd.Process.Pid
	syscall.Kill(pid, syscall.SIGSTOP)
	waitState(t, pid, "T")
	tr, err := syscallstat.Attach(pid, &syscallstat.Options{Follow: true})
	mustTrace(t, err)
	time.Sleep(200 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sum, _ := tr.Wait(ctx)
	if c, _ := calls(sum, "getppid"); c != 0 {
		t.Errorf("a stopped process made %d getppid calls", c)
	}
	time.Sleep(100 * time.Millisecond)
	for _, tid := range tids(t, pid) {
		if st, tracer := procState(tid); st != 'T' || tracer != 0 {
			t.Errorf("thread %d after detach: state %c TracerPid %d, want T (stopped), 0", tid, st, tracer)
		}
	}
	syscall.Kill(pid, syscall.SIGCONT)
	waitState(t, pid, "SR")
}

func waitState(t *testing.T, pid int, states string) {
	t.Helper()
	for range 500 {
		if st, _ := procState(pid); st != 0 && strings.IndexByte(states, st) >= 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	st, _ := procState(pid)
	t.Fatalf("pid %d in state %c, want one of %q", pid, st, states)
}

// TestAttachPermission attaches, as uid 65534, to a process of ours: the
// error matches fs.ErrPermission and says what is missing.
func TestAttachPermission(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run the attacher as another user")
	}
	target := startSpinner(t)
	bin := testexe.Public(t)
	cmd := exec.Command(bin, workloadArgs("attachas", target.Process.Pid)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Skipf("cannot run as uid 65534: %v\n%s", err, out)
	}
	got := string(out)
	t.Logf("as uid 65534: %s", got)
	if !strings.HasPrefix(got, "permission=true gone=false") || !strings.Contains(got, "CAP_SYS_PTRACE") {
		t.Errorf("unprivileged Attach: %q, want a permission error naming CAP_SYS_PTRACE", got)
	}
}

// TestCancelWithSignal: Cancel sends the launched command the given signal
// and detaches, as strace does with the signal that interrupted it.
func TestCancelWithSignal(t *testing.T) {
	cmd := workloadCmd(t, "spin", 0)
	tr, err := syscallstat.Start(cmd, &syscallstat.Options{Follow: true})
	mustTrace(t, err)
	pid := tr.PID()
	time.Sleep(100 * time.Millisecond)
	tr.Cancel(syscall.SIGTERM)
	sum, err := tr.Wait(context.Background())
	if !errors.Is(err, context.Canceled) || sum == nil {
		t.Fatalf("Wait after Cancel = %v, %v; want the summary and context.Canceled", sum, err)
	}
	for range 500 {
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err != nil {
			return // died of SIGTERM and was reaped
		}
		time.Sleep(10 * time.Millisecond)
	}
	st, tracer := procState(pid)
	t.Errorf("command still there after SIGTERM: state %c TracerPid %d", st, tracer)
}

// startIdle starts workload w untraced with a stdin pipe and waits for its
// "ready" line.
func startIdle(t *testing.T, w string) (*exec.Cmd, *os.File) {
	t.Helper()
	return startReady(t, workloadCmd(t, w, 0))
}

// buildThreadExit compiles testdata/threadexit.c.
func buildThreadExit(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed")
	}
	bin := filepath.Join(t.TempDir(), "threadexit")
	if out, err := exec.Command("gcc", "-O2", "-pthread", "-o", bin, "testdata/threadexit.c").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	return bin
}

// startReady starts cmd untraced with a stdin pipe and waits for its
// "ready" line.
func startReady(t *testing.T, cmd *exec.Cmd) (*exec.Cmd, *os.File) {
	t.Helper()
	w := cmd.Path
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
		t.Fatalf("%s: %q, want ready", w, line)
	}
	return cmd, stdin.(*os.File)
}

// waitBounded waits up to d for Wait to return after a cancellation.
func waitBounded(t *testing.T, tr *syscallstat.Tracer, d time.Duration) *syscallstat.Summary {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan *syscallstat.Summary, 1)
	go func() { s, _ := tr.Wait(ctx); done <- s }()
	select {
	case s := <-done:
		return s
	case <-time.After(d):
		t.Fatalf("trace still running %v after the cancellation", d)
		return nil
	}
}

// TestCancelAfterThreadExit: the last thread that ran has ended and the
// rest idle; a cancellation must still end the trace at once (the kick went
// to the ended thread's TID and woke nothing).
func TestCancelAfterThreadExit(t *testing.T) {
	cmd, stdin := startReady(t, exec.Command(buildThreadExit(t)))
	pid := cmd.Process.Pid
	tr, err := syscallstat.Attach(pid, &syscallstat.Options{Follow: true})
	mustTrace(t, err)
	// The thread blocked in read(0, ...).
	reader := 0
	for range 1000 {
		for _, tid := range tids(t, pid) {
			b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/syscall", pid, tid))
			if f := strings.Fields(string(b)); len(f) > 1 && f[0] == strconv.Itoa(sysRead) && f[1] == "0x0" {
				reader = tid
			}
		}
		if reader != 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if reader == 0 {
		t.Fatal("no thread is blocked reading stdin")
	}
	stdin.Write([]byte{'x'})
	for range 1000 {
		if !slices.Contains(tids(t, pid), reader) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if slices.Contains(tids(t, pid), reader) {
		t.Fatal("the thread did not end")
	}
	time.Sleep(100 * time.Millisecond) // let everything settle into idleness
	waitBounded(t, tr, 10*time.Second)
	for _, tid := range tids(t, pid) {
		if _, tracer := procState(tid); tracer != 0 {
			t.Errorf("thread %d still traced by %d after the cancellation", tid, tracer)
		}
	}
}

// TestAttachFollowSpawner attaches with Follow to a process that creates
// threads all the time: a thread the kernel already attached to us
// (PTRACE_O_TRACECLONE) before the next task listing is ours, not
// ErrAlreadyTraced.
func TestAttachFollowSpawner(t *testing.T) {
	cmd, _ := startIdle(t, "spawner")
	for i := range 20 {
		tr, err := syscallstat.Attach(cmd.Process.Pid, &syscallstat.Options{Follow: true})
		if i == 0 {
			mustTrace(t, err)
		}
		if err != nil {
			t.Fatalf("attach %d: %v", i, err)
		}
		waitBounded(t, tr, 20*time.Second)
	}
}

// TestCancelSleeperCountsNothing: a call in flight when the trace is
// cancelled (the restart_syscall of sleep's clock_nanosleep, interrupted by
// the attach) is not counted, as strace -c -p does not count it.
func TestCancelSleeperCountsNothing(t *testing.T) {
	sleeper := func() int {
		c := exec.Command("sleep", "100")
		if err := c.Start(); err != nil {
			t.Skip(err)
		}
		t.Cleanup(func() { c.Process.Kill(); c.Wait() })
		waitState(t, c.Process.Pid, "S")
		time.Sleep(50 * time.Millisecond)
		return c.Process.Pid
	}
	tr, err := syscallstat.Attach(sleeper(), nil)
	mustTrace(t, err)
	time.Sleep(200 * time.Millisecond)
	sum := waitBounded(t, tr, 10*time.Second)
	if len(sum.Syscalls) != 0 {
		var b strings.Builder
		syscallstat.WriteSummary(&b, sum.Syscalls, syscallstat.SortCalls)
		t.Errorf("an idle sleep counted:\n%s", b.String())
	}
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not installed")
	}
	out := filepath.Join(t.TempDir(), "strace.out")
	st := exec.Command("strace", "-c", "-o", out, "-p", strconv.Itoa(sleeper()))
	if err := st.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	st.Process.Signal(syscall.SIGINT)
	st.Wait()
	b, _ := os.ReadFile(out)
	var theirs syscallstat.Table
	if len(bytes.TrimSpace(b)) > 0 { // strace prints no table when nothing was counted
		if theirs, err = syscallstat.ParseSummary(b); err != nil {
			t.Fatalf("strace output: %v\n%s", err, b)
		}
	}
	if len(theirs) != len(sum.Syscalls) {
		t.Errorf("strace -c -p counted %d calls, we %d:\n%s", len(theirs), len(sum.Syscalls), b)
	}
}

// killAtCleanup kills process pid, alive now, when the test ends: through a
// pidfd, so that a process given its pid after it ended is never signalled.
func killAtCleanup(t *testing.T, pid int) {
	t.Helper()
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		t.Skipf("pidfd_open(%d): %v (needs Linux 5.3)", pid, err)
	}
	t.Cleanup(func() {
		unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0)
		unix.Close(fd)
	})
}

// sysRead is read's number, as /proc/PID/syscall shows it.
var sysRead, _ = syscallstat.SyscallNumber(syscallstat.Native, "read")

// TestCancelNeverSignalsReusedPID: with Follow the trace goes on after the
// launched command was reaped; its pid, given to another process meanwhile
// (forced with ns_last_pid), must not get the cancel signal.
func TestCancelNeverSignalsReusedPID(t *testing.T) {
	cancelNeverSignalsReusedPID(t, &syscallstat.Options{Follow: true}, mustTrace)
}

// TestEBPFCancelNeverSignalsReusedPID: the same with the eBPF backend, whose
// trace also goes on after the command was reaped.
func TestEBPFCancelNeverSignalsReusedPID(t *testing.T) {
	cancelNeverSignalsReusedPID(t, &syscallstat.Options{Follow: true, Backend: syscallstat.EBPF}, mustEBPF)
}

func cancelNeverSignalsReusedPID(t *testing.T, opts *syscallstat.Options, must func(*testing.T, error)) {
	const lastPID = "/proc/sys/kernel/ns_last_pid"
	if f, err := os.OpenFile(lastPID, os.O_WRONLY, 0); err != nil {
		t.Skipf("cannot choose the next pid: %v", err)
	} else {
		f.Close()
	}
	cmd := workloadCmd(t, "orphan", 0)
	// A pipe of our own: cmd.StdoutPipe's read end is closed by
	// cmd.Wait, which the eBPF backend calls as soon as the orphan exits,
	// possibly before we have read its line.
	stdout, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdout.Close()
	cmd.Stdout = w
	tr, err := syscallstat.Start(cmd, opts)
	w.Close()
	must(t, err)
	line, rerr := bufio.NewReader(stdout).ReadString('\n')
	child, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		sum := waitBounded(t, tr, 20*time.Second)
		t.Fatalf("orphan printed %q (%v), exit %+v", line, rerr, sum.Exit)
	}
	killAtCleanup(t, child)
	pid := tr.PID()
	for range 1000 {
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	var stranger *exec.Cmd
	for range 200 {
		os.WriteFile(lastPID, []byte(strconv.Itoa(pid-1)), 0)
		c := exec.Command("sleep", "60")
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		if c.Process.Pid == pid {
			stranger = c
			break
		}
		c.Process.Kill()
		c.Wait()
	}
	if stranger == nil {
		t.Skipf("could not start a process with pid %d (others took it)", pid)
	}
	t.Cleanup(func() { stranger.Process.Kill() })
	exited := make(chan error, 1)
	go func() { exited <- stranger.Wait() }()
	// The trace goes on: the command's child runs on, followed.
	if st, err := proc.Default().Process(child).Status(); err != nil || st.State == proc.Zombie ||
		opts.Backend == syscallstat.Ptrace && st.TracerPID == 0 {
		t.Fatalf("the command's child %d is not running traced (%v, %+v): the trace is over, nothing to test", child, err, st)
	}
	tr.Cancel(0) // SIGKILL to the command, were it still there
	waitBounded(t, tr, 20*time.Second)
	select {
	case err := <-exited:
		t.Errorf("the process that reused the command's pid %d ended (%v): the cancel signalled it", pid, err)
	case <-time.After(time.Second):
	}
}

// TestTrampolineRefusesSecureExec: a setuid program that imports this
// package must not exec a path its caller put in the environment. A copy of
// the test binary, setuid to uid 65534, is run by root with the launcher's
// variable set: it runs in secure-execution mode (AT_SECURE, since its
// effective uid differs from the real one) and must refuse.
func TestTrampolineRefusesSecureExec(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to make a setuid copy of the test binary")
	}
	exe, _ := os.Executable()
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "setuid")
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(bin, 65534, 65534); err != nil {
		t.Skipf("chown: %v", err)
	}
	if err := os.Chmod(bin, 0o4755|os.ModeSetuid); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "hijacked")
	cmd.Env = append(os.Environ(), "PROCSCOPE_SYSCALLSTAT_EXEC=/bin/echo")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Run()
	if st, _ := os.Stat(bin); st.Mode()&os.ModeSetuid == 0 {
		t.Fatal("the copy is not setuid")
	}
	if cmd.ProcessState.ExitCode() != 127 || strings.Contains(stdout.String(), "hijacked") ||
		!strings.Contains(stderr.String(), "secure-execution") {
		t.Errorf("setuid program with the launcher's variable: exit %d, stdout %q, stderr %q; want a refusal (127) and no exec",
			cmd.ProcessState.ExitCode(), stdout.String(), stderr.String())
	}
}

// TestCancelSeccompKillsAll: a cancelled fast-path trace leaves nothing
// running with the tracing filter and no tracer (every traced call of such a
// process fails with ENOSYS): the command's child is killed too.
func TestCancelSeccompKillsAll(t *testing.T) {
	cmd := workloadCmd(t, "orphan", 1) // starts a spinning child and waits
	stdout, _ := cmd.StdoutPipe()
	// Only getppid goes to the tracer: the detached child would run on,
	// its getppid failing (with all calls traced it would crash).
	tr, err := syscallstat.Start(cmd, &syscallstat.Options{Follow: true, SeccompBPF: true, Syscalls: []string{"getppid"}})
	mustTrace(t, err)
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	child, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("orphan printed %q", line)
	}
	killAtCleanup(t, child)
	time.Sleep(100 * time.Millisecond)
	tr.Cancel(syscall.SIGTERM)
	waitBounded(t, tr, 20*time.Second)
	for range 500 {
		st, err := proc.Default().Process(child).Status()
		if err != nil || st.State == proc.Zombie {
			return // killed
		}
		time.Sleep(10 * time.Millisecond)
	}
	st, _ := proc.Default().Process(child).Status()
	t.Errorf("the command's child %d still runs after the cancellation (state %v, TracerPid %d, seccomp mode %d): its calls fail with ENOSYS",
		child, st.State, st.TracerPID, st.Seccomp)
}
