//go:build linux && (amd64 || arm64)

package syscallstat

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/procscope/procscope/proc"
)

// sigchldAction returns the kernel's struct sigaction of SIGCHLD.
func sigchldAction(t *testing.T) [4]uint64 {
	var sa [4]uint64 // handler, flags, restorer, mask on amd64 and arm64
	if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(syscall.SIGCHLD), 0,
		uintptr(unsafe.Pointer(&sa)), 8, 0, 0); e != 0 {
		t.Fatal(e)
	}
	return sa
}

// startSleep starts sleep 30, killed at the end of the test.
func startSleep(t *testing.T) *exec.Cmd {
	t.Helper()
	c := exec.Command("sleep", "30")
	if err := c.Start(); err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { c.Process.Kill(); c.Wait() })
	return c
}

func attachOrSkip(t *testing.T, pid int) *Tracer {
	t.Helper()
	tr, err := Attach(pid, &Options{Follow: true})
	if errors.Is(err, fs.ErrPermission) {
		t.Skipf("ptrace not permitted here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestSIGCHLDNotifyDuringTrace: a program that watches SIGCHLD with
// os/signal gets it for a child that stops while a trace runs, and the
// tracer leaves the runtime's SIGCHLD handler as it found it.
func TestSIGCHLDNotifyDuringTrace(t *testing.T) {
	ch := make(chan os.Signal, 64)
	signal.Notify(ch, syscall.SIGCHLD)
	defer signal.Stop(ch)
	before := sigchldAction(t)
	tr := attachOrSkip(t, startSleep(t).Process.Pid)
	time.Sleep(200 * time.Millisecond)
	if got := sigchldAction(t); got != before {
		t.Errorf("SIGCHLD action %#x during a trace, was %#x", got, before)
	}
	for len(ch) > 0 {
		<-ch
	}
	other := startSleep(t)
	syscall.Kill(other.Process.Pid, syscall.SIGSTOP)
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Error("no SIGCHLD for a child that stopped during a trace")
	}
	tr.Close()
	if got := sigchldAction(t); got != before {
		t.Errorf("SIGCHLD action %#x after a trace, was %#x", got, before)
	}
}

// ctxtSwitches returns the voluntary context switches of our thread tid.
func ctxtSwitches(t *testing.T, tid int) int {
	b, err := os.ReadFile("/proc/self/task/" + strconv.Itoa(tid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "voluntary_ctxt_switches:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	t.Fatal("no voluntary_ctxt_switches")
	return 0
}

// TestGroupStopBlocks: while every tracee is parked in a group-stop the
// tracer thread sleeps (it polled every 5ms), and a cancellation still ends
// the trace at once, leaving the process stopped.
func TestGroupStopBlocks(t *testing.T) {
	c := startSleep(t)
	pid := c.Process.Pid
	syscall.Kill(pid, syscall.SIGSTOP)
	for range 500 {
		if st, _ := proc.Default().Process(pid).Status(); st.State == proc.Stopped {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	tr := attachOrSkip(t, pid)
	tracer := 0
	for range 500 {
		if st, _ := proc.Default().Process(pid).Status(); st.TracerPid != 0 && st.State != proc.Running {
			tracer = st.TracerPid
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // the attach's stops are handled
	n0 := ctxtSwitches(t, tracer)
	time.Sleep(time.Second)
	if n := ctxtSwitches(t, tracer) - n0; n > 20 {
		t.Errorf("the tracer thread woke %d times in a second while every tracee was stopped: it polls", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan struct{})
	go func() { tr.Wait(ctx); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the trace did not end 10s after the cancellation")
	}
	var st proc.Status
	var err error
	for range 500 {
		if st, err = proc.Default().Process(pid).Status(); err != nil || st.State == proc.Stopped && st.TracerPid == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil || st.State != proc.Stopped || st.TracerPid != 0 {
		t.Errorf("after the detach: %+v, %v; want stopped and untraced", st.State, err)
	}
}

// TestQuietSIGCHLD: with Options.QuietSIGCHLD the runtime's handler gets
// SA_NOCLDSTOP while the trace runs (no SIGCHLD for the ptrace stops), a
// child's exit still reaches a program watching SIGCHLD, and the handler is
// as it was once the trace ends.
func TestQuietSIGCHLD(t *testing.T) {
	ch := make(chan os.Signal, 64)
	signal.Notify(ch, syscall.SIGCHLD)
	defer signal.Stop(ch)
	before := sigchldAction(t)
	if before[1]&saNOCLDSTOP != 0 {
		t.Fatalf("SIGCHLD flags %#x already hold SA_NOCLDSTOP", before[1])
	}
	tr, err := Attach(startSleep(t).Process.Pid, &Options{Follow: true, QuietSIGCHLD: true})
	if errors.Is(err, fs.ErrPermission) {
		t.Skipf("ptrace not permitted here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for sigchldAction(t)[1]&saNOCLDSTOP == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no SA_NOCLDSTOP on the SIGCHLD handler during a quiet trace")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := sigchldAction(t); got[0] != before[0] {
		t.Errorf("SIGCHLD handler %#x during the trace, was %#x", got[0], before[0])
	}
	for len(ch) > 0 {
		<-ch
	}
	c := exec.Command("true")
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Error("no SIGCHLD for a child that exited during a quiet trace")
	}
	tr.Close()
	if got := sigchldAction(t); got != before {
		t.Errorf("SIGCHLD action %#x after a quiet trace, was %#x", got, before)
	}
}
