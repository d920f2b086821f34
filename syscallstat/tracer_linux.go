//go:build linux && (amd64 || arm64)

package syscallstat

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/procscope/procscope/syscallstat/internal/sysnum"
)

// Tracer is one running trace. Its methods may be called from any
// goroutine; all ptrace requests are made by one internal goroutine locked to
// its OS thread.
type Tracer struct {
	opts     Options
	pid      int  // the launched or attached process
	launched bool // pid was started by Start
	cmd      *exec.Cmd
	execPath string   // the command's path, before Start rewrote cmd.Path
	syncW    *os.File // the trampoline's sync pipe, until released
	// released: the trampoline has been let go. An exec event before
	// that is the end of the trampoline's own exec (Start may return and
	// the seize come before it completes), not the command's.
	released bool

	filter [2][]bool // per ABI, by number; nil slices trace everything

	threads  map[int]*thread
	finished []*thread
	// early holds the tids of auto-attached tracees whose first stop (or
	// end) was seen before the fork, vfork or clone event of the thread
	// that created them (see newChild).
	early   map[int]bool
	running int // threads not parked in PTRACE_LISTEN

	info   syscallInfo // reused buffer of PTRACE_GET_SYSCALL_INFO
	status unix.WaitStatus
	rusage unix.Rusage
	epoch  time.Time

	exit      Exit
	execErr   syscall.Errno // errno of a failed execve before the command ran
	startDone chan error    // Start's handshake: nil once the command has exec'd
	started   bool

	// Cancellation. cancelled is set by Wait's goroutine, which then sends
	// the kick (see kick) under mu unless the loop has begun detaching.
	mu           sync.Mutex
	cancelled    atomic.Bool
	detaching    bool
	cancelSig    syscall.Signal // sent to a launched command on cancel
	kicked       int            // tid sent the kick SIGSTOP, 0 if none
	kickVal      uint64         // cookie in the kick's si_value
	kickConsumed bool           // the kick's SIGSTOP has been seen (loop only)
	killing      bool           // the launched command was sent SIGKILL: its threads are not detached
	killAll      bool           // SeccompBPF: every tracee is killed on cancel, none detached
	reaped       bool           // the launched command was reaped (under mu)
	waker        *os.Process    // see armWaker (under mu)
	wakerW       *os.File       // the waker's pipe; closing it ends the waker (under mu)
	wakerFailed  bool           // the waker ended by itself: poll instead (under mu)
	// lastTid is tgid<<32 | tid of the last resumed thread that is still
	// traced and not parked in a group-stop, or 0: the thread the kick
	// goes to. The loop moves it when that thread ends or parks.
	lastTid atomic.Int64

	fatal error // a ptrace request failed unexpectedly; the trace ends

	done chan struct{}
	sum  *Summary
	err  error

	bpf *ebpfTrace // the eBPF backend, or nil (see ebpf_linux.go)
}

type thread struct {
	tid, tgid int
	inSyscall bool
	counted   bool // the current call is one we count
	abi       ABI
	nr        int
	entry     time.Duration // wall time or stime at entry
	listening bool
	preExec   bool // the launch trampoline, before the command's execve
	stats     [2][]Counts
	extraBox  map[Row]*Counts // numbers beyond the tables (rare)
}

// Start starts cmd (which must not have been started) under the tracer and
// returns once the command has replaced the launch trampoline (see the
// package documentation), or with the reason it could not start. The caller
// must not call cmd.Wait; [Tracer.Wait] reaps the command and calls it.
//
// Start rewrites cmd.Path, cmd.Env and cmd.ExtraFiles for the trampoline.
func Start(cmd *exec.Cmd, opts *Options) (*Tracer, error) {
	if cmd.Process != nil {
		return nil, errors.New("syscallstat: Start: command already started")
	}
	if cmd.Err != nil {
		return nil, fmt.Errorf("syscallstat: start: %w", cmd.Err)
	}
	if cmd.Path == "" {
		return nil, errors.New("syscallstat: start: empty command path")
	}
	if cmd.SysProcAttr != nil && cmd.SysProcAttr.Ptrace {
		return nil, errors.New("syscallstat: start: SysProcAttr.Ptrace is set; the tracer attaches itself")
	}
	if !filepath.IsAbs(cmd.Path) && cmd.Dir == "" {
		// The trampoline execs it; make "./x" mean what it means here.
		if abs, err := filepath.Abs(cmd.Path); err == nil {
			cmd.Path = abs
		}
	}
	t, err := newTracer(opts)
	if err != nil {
		return nil, err
	}
	if t.opts.Backend != Ptrace || t.opts.Cgroup != "" {
		t.cmd, t.launched = cmd, true
		return t.startEBPF()
	}
	if t.opts.SeccompBPF && !t.opts.Follow {
		return nil, errors.New("syscallstat: SeccompBPF needs Follow: the filter is inherited by children the tracer would not follow")
	}
	t.cmd, t.launched = cmd, true
	return t.begin(t.launch)
}

// Attach traces the running process pid: with [Options.Follow] all its
// threads and its future children, else only thread pid. It fails with an
// error matching [ErrAlreadyTraced] if another tracer holds the process,
// [fs.ErrPermission] (with the missing permission named) if ptrace is
// denied, and [fs.ErrNotExist] and [proc.ErrGone] if there is no such
// process.
func Attach(pid int, opts *Options) (*Tracer, error) {
	if opts != nil && (opts.Backend != Ptrace || opts.Cgroup != "") {
		return attachEBPF(pid, opts)
	}
	if pid <= 0 {
		return nil, fmt.Errorf("syscallstat: attach: invalid pid %d", pid)
	}
	t, err := newTracer(opts)
	if err != nil {
		return nil, err
	}
	t.opts.SeccompBPF = false
	t.pid = pid
	return t.begin(t.attach)
}

// begin starts the tracer goroutine with setup and returns t once the trace
// has started, or setup's error once the goroutine has cleaned up.
func (t *Tracer) begin(setup func() error) (*Tracer, error) {
	t.startDone = make(chan error, 1)
	go t.run(setup)
	if err := <-t.startDone; err != nil {
		<-t.done
		return nil, err
	}
	return t, nil
}

func newTracer(opts *Options) (*Tracer, error) {
	t := &Tracer{
		threads: make(map[int]*thread),
		early:   make(map[int]bool),
		done:    make(chan struct{}),
		epoch:   time.Now(),
	}
	if opts != nil {
		t.opts = *opts
	}
	if len(t.opts.Syscalls) > 0 {
		t.filter[Native] = make([]bool, sysnum.NativeMax)
		t.filter[Compat] = make([]bool, sysnum.CompatMax)
		for _, name := range t.opts.Syscalls {
			n, ok1 := sysnum.Number(name)
			c, ok2 := sysnum.CompatNumber(name)
			if !ok1 && !ok2 {
				return nil, fmt.Errorf("syscallstat: unknown system call %q", name)
			}
			if ok1 {
				t.filter[Native][n] = true
			}
			if ok2 {
				t.filter[Compat][c] = true
			}
		}
	}
	return t, nil
}

// PID returns the launched or attached process ID.
func (t *Tracer) PID() int { return t.pid }

// Wait runs the trace to its end: until every tracee is gone, or ctx is
// cancelled. On cancellation the tracer detaches from every thread and
// leaves them running (a process that was stopped stays stopped), as strace
// does on Ctrl-C; a launched command is first sent [Options.CancelSignal].
// The summary is returned in every case, with ctx.Err() after a
// cancellation. Wait may be called more than once; later calls return the
// same result.
func (t *Tracer) Wait(ctx context.Context) (*Summary, error) {
	select {
	case <-t.done:
	case <-ctx.Done():
		t.cancel(0)
		<-t.done
		if t.err == nil || errors.Is(t.err, context.Canceled) {
			return t.sum, ctx.Err()
		}
	}
	return t.sum, t.err
}

// Close ends the trace as a cancelled Wait does, if it is still running.
func (t *Tracer) Close() error {
	select {
	case <-t.done:
	default:
		t.cancel(0)
		<-t.done
	}
	return nil
}

// Cancel ends the trace as a cancelled Wait does, but sends a launched
// command sig instead of [Options.CancelSignal] (0 keeps that); a pending or
// later Wait then returns context.Canceled with the summary. A program that
// forwards the signal that interrupted it, as strace does, calls Cancel
// with that signal.
func (t *Tracer) Cancel(sig syscall.Signal) {
	t.cancel(sig)
}

// run is the tracer goroutine: locked to one OS thread (the kernel binds
// tracees to the thread that attached them), it makes every ptrace request.
func (t *Tracer) run(setup func() error) {
	defer close(t.done)
	runtime.LockOSThread()
	// The thread stays locked until it exits: it is a tracer of possibly
	// still attached tasks if something went wrong, and must not be reused
	// for other goroutines. Returning while locked makes the runtime end it.
	defer t.stopWaker()
	if t.opts.QuietSIGCHLD {
		quietSIGCHLD(true)
		defer quietSIGCHLD(false)
	}
	if err := setup(); err != nil {
		t.startDone <- err
		t.detachAll()
		if t.cmd != nil && t.cmd.Process != nil {
			t.cmd.Process.Kill()
			t.cmd.Wait()
		}
		return
	}
	if !t.launched {
		t.started = true
		t.startDone <- nil
	}
	t.err = t.loop()
	if t.err == nil && t.cancelled.Load() {
		t.err = context.Canceled
	}
	t.sum = t.summary()
}

// resume restarts a stopped tracee with signal sig.
func (t *Tracer) resume(th *thread, sig int) {
	req := unix.PTRACE_SYSCALL
	if t.opts.SeccompBPF && !(th.inSyscall && (th.preExec || th.counted && !t.opts.CountsOnly)) {
		// The seccomp filter stops at the traced calls' entry; only a
		// call whose exit we need is resumed with PTRACE_SYSCALL (see
		// seccompStop), all else runs free.
		req = unix.PTRACE_CONT
	}
	t.resumeWith(th, req, sig)
}

func (t *Tracer) resumeWith(th *thread, req, sig int) {
	if th.listening {
		th.listening = false
		t.running++
	}
	// ESRCH: the tracee was killed (SIGKILL) meanwhile; its end will be
	// reported by wait4. Anything else leaves it stopped for good: end the
	// trace (detaching) and report it.
	if e := ptraceVal(req, th.tid, 0, uintptr(sig)); e != 0 && e != syscall.ESRCH && t.fatal == nil {
		name := "PTRACE_SYSCALL"
		if req == unix.PTRACE_CONT {
			name = "PTRACE_CONT"
		}
		t.fatal = ptraceErr(th.tid, name, e)
		t.cancelled.Store(true)
	}
	t.lastTid.Store(int64(th.tgid)<<32 | int64(th.tid))
}

func (t *Tracer) listen(th *thread) {
	if e := ptraceVal(unix.PTRACE_LISTEN, th.tid, 0, 0); e == 0 && !th.listening {
		th.listening = true
		t.running--
		t.moveKickTarget(th)
	}
}

// moveKickTarget makes sure the kick target is not th, which ends or parks
// in a group-stop: a kick sent there would wake nothing, and cancel would
// wait until some other tracee happened to stop.
func (t *Tracer) moveKickTarget(th *thread) {
	if int(t.lastTid.Load()&0xffffffff) != th.tid {
		return
	}
	var next int64
	for _, o := range t.threads {
		if o != th && !o.listening {
			next = int64(o.tgid)<<32 | int64(o.tid)
			break
		}
	}
	t.lastTid.Store(next)
}

func (t *Tracer) addThread(tid, tgid int) *thread {
	if th := t.threads[tid]; th != nil {
		return th
	}
	if tgid <= 0 {
		if tgid, _ = tgidOf(tid); tgid <= 0 {
			tgid = tid
		}
	}
	th := &thread{tid: tid, tgid: tgid}
	if l := t.threads[tgid]; l != nil && l.preExec {
		th.preExec = true // a runtime thread of the launch trampoline
	}
	th.stats[Native] = make([]Counts, sysnum.NativeMax)
	t.threads[tid] = th
	t.running++
	return th
}

// newChild records the tracee a fork, vfork or clone event announces. The
// kernel does not order the child's first stop after its creator's event
// (wait4 even reports the newest tracee first), so the child may be known
// already, or already detached (while detaching) or ended: adding it again
// then would leave the loop waiting for a tracee that never reports.
func (t *Tracer) newChild(tid, tgid int) {
	if t.early[tid] {
		delete(t.early, tid)
		return
	}
	t.addThread(tid, tgid)
}

func (t *Tracer) removeThread(th *thread) {
	delete(t.threads, th.tid)
	t.moveKickTarget(th)
	if !th.listening {
		t.running--
	}
	t.finished = append(t.finished, th)
}

// wait returns the next stop or end of a tracee.
//
// The hot path is raw: a non-blocking wait4 and, while nothing is pending, a
// sched_yield that lets a tracee sharing our CPU run up to its next stop,
// for at most spinBudget rounds. Only then does the thread block, in a wait4
// the runtime knows about (entersyscall), so that a long wait (a tracee
// blocked in read, sleeping, stopped, or computing) never holds up the
// garbage collector's stop-the-world, which a raw blocking call would do for
// as long as it blocks. The spin costs a few microseconds of CPU per stop
// when the tracee takes long; a blocking runtime-aware wait4 per stop cost
// about 15% more per stop, pinned to one CPU, in bench/syscount.sh.
func (t *Tracer) wait() (int, syscall.Errno) {
	var ru *unix.Rusage
	if !t.opts.WallClock && !t.opts.CountsOnly {
		ru = &t.rusage
	}
	const flags = unix.WALL | _WNOTHREAD
	for {
		for spin := 0; ; spin++ {
			r, _, e := unix.RawSyscall6(unix.SYS_WAIT4, ^uintptr(0), uintptr(unsafe.Pointer(&t.status)),
				flags|unix.WNOHANG, uintptr(unsafe.Pointer(ru)), 0, 0)
			if e == 0 && r != 0 {
				return int(r), 0
			}
			if e != 0 && e != syscall.EINTR {
				return 0, e
			}
			if spin >= spinBudget || t.running == 0 || t.cancelled.Load() {
				break
			}
			unix.RawSyscall(unix.SYS_SCHED_YIELD, 0, 0, 0)
		}
		if t.cancelled.Load() && !t.detaching {
			return 0, 0
		}
		if t.running == 0 {
			// Every tracee is parked in a group-stop: only a SIGCONT
			// or SIGKILL will wake one, and the cancel kick cannot;
			// the waker can (and armWaker said we were cancelled).
			if !t.armWaker() {
				return 0, 0
			}
			if t.wakerFailedNow() {
				// No waker could run: poll, as a last resort.
				time.Sleep(5 * time.Millisecond)
				continue
			}
		}
		r, _, e := unix.Syscall6(unix.SYS_WAIT4, ^uintptr(0), uintptr(unsafe.Pointer(&t.status)),
			flags, uintptr(unsafe.Pointer(ru)), 0, 0)
		if e == 0 {
			return int(r), 0
		}
		if e != syscall.EINTR {
			return 0, e
		}
	}
}

// spinBudget bounds the raw poll-and-yield rounds of wait.
const spinBudget = 64

func (t *Tracer) now() time.Duration {
	if t.opts.WallClock {
		return time.Since(t.epoch)
	}
	return time.Duration(t.rusage.Stime.Nano())
}

// loop handles stops until no tracee is left.
func (t *Tracer) loop() error {
	for len(t.threads) > 0 {
		if t.cancelled.Load() && !t.detaching {
			t.beginDetach()
			continue
		}
		tid, e := t.wait()
		if e == syscall.ECHILD {
			// Every tracee is gone without us seeing it (should not
			// happen); nothing is left to wait for.
			for _, th := range t.threads {
				t.removeThread(th)
			}
			break
		}
		if e != 0 {
			return &Error{PID: t.pid, Op: "wait4", Err: os.NewSyscallError("wait4", e)}
		}
		if tid == 0 || t.isWaker(tid, t.status) {
			continue
		}
		if t.cancelled.Load() && !t.detaching {
			// A stop after the cancellation (the kick's, or a call
			// the kick interrupted): nothing more is counted, so a
			// call in flight at the cancellation (a sleep, a
			// restart_syscall) is not counted as an error, as strace
			// -c does not count it.
			t.beginDetach()
		}
		t.handle(tid, t.status)
	}
	if t.launched && !t.exit.Exited && (!t.detaching || t.killing) {
		// The leader may still be a zombie waiting for its real
		// parent (us) if it died before its threads.
		var st unix.WaitStatus
		if r, _ := unix.Wait4(t.pid, &st, unix.WALL|unix.WNOHANG, nil); r == t.pid {
			t.setReaped()
			t.setExit(st)
		}
	}
	if t.cmd != nil {
		if t.exit.Exited {
			// Reaps nothing (the tracer did) but lets os/exec finish
			// its I/O goroutines and close its pipe ends.
			t.cmd.Wait()
		} else {
			// Detached and still running: reap it when it ends.
			go t.cmd.Wait()
		}
	}
	return t.fatal
}

func (t *Tracer) wakerFailedNow() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.wakerFailed
}

// setReaped records that the launched command was reaped: cancel must not
// signal its pid any more.
func (t *Tracer) setReaped() {
	t.mu.Lock()
	t.reaped = true
	t.mu.Unlock()
}

func (t *Tracer) setExit(st unix.WaitStatus) {
	t.exit = Exit{Exited: true}
	if st.Signaled() {
		t.exit.Signal = st.Signal()
		t.exit.CoreDump = st.CoreDump()
	} else {
		t.exit.Code = st.ExitStatus()
	}
}

func (t *Tracer) handle(tid int, st unix.WaitStatus) {
	th := t.threads[tid]
	if st.Exited() || st.Signaled() {
		if t.launched && (tid == t.pid || th != nil && th.tgid == t.pid) {
			// The last thread of the command to end carries the
			// status of the thread group (exit_group sets it for all).
			t.setExit(st)
		}
		if t.launched && tid == t.pid {
			// wait4 reaped the command: its pid is free for reuse.
			t.setReaped()
		}
		if th != nil {
			if th.preExec && tid == t.pid && !t.started {
				t.started = true
				err := fmt.Errorf("syscallstat: start %s: the launcher ended before exec", t.execPath)
				if t.execErr != 0 {
					err = fmt.Errorf("syscallstat: start: %w", &os.PathError{Op: "exec", Path: t.execPath, Err: t.execErr})
				}
				t.startDone <- err
			}
			t.removeThread(th)
		} else {
			// An auto-attached child killed before its first
			// stop, its creator's event still to come.
			t.early[tid] = true
		}
		return
	}
	if !st.Stopped() {
		return
	}
	if th == nil {
		// An auto-attached child whose initial stop came before its
		// parent's fork/clone event.
		th = t.addThread(tid, 0)
		t.early[tid] = true
	}
	if th.listening {
		th.listening = false
		t.running++
	}
	if t.detaching {
		t.detachStop(th, st)
		return
	}
	sig := int(st>>8) & 0xff
	event := int(st >> 16)
	switch {
	case sig == int(syscall.SIGTRAP)|0x80:
		t.syscallStop(th)
		t.resume(th, 0)
	case event == unix.PTRACE_EVENT_STOP:
		if isStopSignal(sig) {
			// Group-stop: the process was stopped (SIGSTOP, SIGTSTP,
			// ...). LISTEN keeps it stopped, as untraced, until a
			// SIGCONT, which ends the listen with another EVENT_STOP.
			t.listen(th)
			return
		}
		// PTRACE_INTERRUPT, a new tracee's first stop, or the end of a
		// group-stop: not a signal to deliver.
		t.resume(th, 0)
	case event == unix.PTRACE_EVENT_FORK || event == unix.PTRACE_EVENT_VFORK || event == unix.PTRACE_EVENT_CLONE:
		msg, e := unix.PtraceGetEventMsg(tid)
		if e == nil && msg > 0 {
			tgid := int(msg) // fork and vfork make a new process
			if event == unix.PTRACE_EVENT_CLONE {
				tgid = 0 // a thread or a process: ask /proc
			}
			t.newChild(int(msg), tgid)
		}
		t.resume(th, 0)
	case event == unix.PTRACE_EVENT_EXEC:
		t.execEvent(th)
		t.resume(th, 0)
	case event == unix.PTRACE_EVENT_SECCOMP:
		t.seccompStop(th)
	case event != 0:
		t.resume(th, 0) // an event we did not ask for
	default:
		// Signal-delivery-stop: a real signal; deliver it.
		if sig == int(syscall.SIGSTOP) && t.isKick(th) {
			sig = 0
		}
		t.resume(th, sig)
	}
	if t.syncW != nil && tid == t.pid {
		// The launch trampoline's first stop (the interrupt's, or any
		// trap that satisfied it) is handled and it runs with syscall
		// tracing: let it exec the command.
		t.releaseTrampoline()
	}
}

func isStopSignal(sig int) bool {
	switch syscall.Signal(sig) {
	case syscall.SIGSTOP, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU:
		return true
	}
	return false
}

func (t *Tracer) abiOf(arch uint32) ABI {
	if arch == nativeAudit {
		return Native
	}
	return Compat
}

func (t *Tracer) syscallStop(th *thread) {
	e := ptraceRaw(unix.PTRACE_GET_SYSCALL_INFO, th.tid, syscallInfoSize, unsafe.Pointer(&t.info))
	if e != 0 {
		return
	}
	switch t.info.Op {
	case unix.PTRACE_SYSCALL_INFO_ENTRY:
		t.enter(th, t.abiOf(t.info.Arch), int(t.info.NrOrRval))
	case unix.PTRACE_SYSCALL_INFO_EXIT:
		if th.inSyscall {
			rval := int64(t.info.NrOrRval)
			if th.abi == Compat {
				// A 32-bit call returns a 32-bit value; the kernel
				// reports it zero-extended.
				rval = int64(int32(rval))
			}
			t.exitCall(th, rval)
		}
	}
}

func (t *Tracer) enter(th *thread, abi ABI, nr int) {
	th.inSyscall = true
	th.abi, th.nr = abi, nr
	th.counted = t.traced(abi, nr)
	if th.counted && !t.opts.CountsOnly {
		th.entry = t.now()
	}
}

func (t *Tracer) traced(abi ABI, nr int) bool {
	f := t.filter[abi]
	if f == nil {
		return true
	}
	return nr >= 0 && nr < len(f) && f[nr]
}

// exitCall counts the call th is returning from with value rval.
func (t *Tracer) exitCall(th *thread, rval int64) {
	th.inSyscall = false
	if th.preExec {
		if th.nr == execveNr(th.abi) && rval < 0 && rval >= -4095 {
			t.execErr = syscall.Errno(-rval)
		}
		return
	}
	if !th.counted {
		return
	}
	c := th.counts(th.abi, th.nr)
	c.Calls++
	if t.opts.CountsOnly {
		return
	}
	// An error is a return value in -4095..-1 (the kernel's IS_ERR_VALUE).
	if rval >= -4095 && rval <= -1 {
		c.Errors++
	}
	if d := t.now() - th.entry; d > 0 {
		c.Time += d
	}
}

func (th *thread) counts(abi ABI, nr int) *Counts {
	if abi == Compat && th.stats[Compat] == nil {
		th.stats[Compat] = make([]Counts, sysnum.CompatMax)
	}
	if s := th.stats[abi]; nr >= 0 && nr < len(s) {
		return &s[nr]
	}
	// A number beyond the tables: one boxed entry per number (rare).
	k := Row{Number: nr, ABI: abi}
	if th.extraBox == nil {
		th.extraBox = map[Row]*Counts{}
	}
	p := th.extraBox[k]
	if p == nil {
		p = new(Counts)
		th.extraBox[k] = p
	}
	return p
}

func execveNr(abi ABI) int {
	if abi == Compat {
		n, _ := sysnum.CompatNumber("execve")
		return n
	}
	n, _ := sysnum.Number("execve")
	return n
}

// execEvent handles PTRACE_EVENT_EXEC. If a thread other than the leader
// ran execve, the kernel has already killed the other threads and given the
// execing thread the leader's TID (the thread group ID); the event's message
// is its former TID.
func (t *Tracer) execEvent(th *thread) {
	msg, err := unix.PtraceGetEventMsg(th.tid)
	if err == nil && int(msg) != th.tid {
		if execing := t.threads[int(msg)]; execing != nil {
			// th is the old leader's record: it is gone.
			t.removeThread(th)
			delete(t.threads, execing.tid)
			execing.tid = th.tid
			t.threads[th.tid] = execing
			th = execing
		}
	}
	if th.preExec && t.released {
		th.preExec = false
		if t.opts.CountsOnly && t.opts.SeccompBPF && th.inSyscall && th.counted {
			// The fast path will not stop at this execve's exit:
			// count it now.
			th.inSyscall = false
			th.counts(th.abi, th.nr).Calls++
		}
		if !t.started {
			t.started = true
			t.startDone <- nil
		}
	}
}

// summary builds the result from every thread, finished or not.
func (t *Tracer) summary() *Summary {
	all := append([]*thread(nil), t.finished...)
	for _, th := range t.threads {
		all = append(all, th)
	}
	slices.SortStableFunc(all, func(a, b *thread) int {
		return cmp.Or(cmp.Compare(a.tgid, b.tgid), cmp.Compare(a.tid, b.tid))
	})
	s := &Summary{Exit: t.exit}
	total := map[Row]Counts{}
	for _, th := range all {
		tt := th.table()
		if len(tt) == 0 {
			continue
		}
		if n := len(s.Processes); n == 0 || s.Processes[n-1].PID != th.tgid {
			s.Processes = append(s.Processes, ProcessSummary{PID: th.tgid})
		}
		p := &s.Processes[len(s.Processes)-1]
		p.Threads = append(p.Threads, ThreadSummary{TID: th.tid, Syscalls: tt})
		for _, r := range tt {
			k := Row{Name: r.Name, Number: r.Number, ABI: r.ABI}
			total[k] = total[k].Add(r.Counts)
		}
	}
	for i := range s.Processes {
		m := map[Row]Counts{}
		for _, th := range s.Processes[i].Threads {
			for _, r := range th.Syscalls {
				k := Row{Name: r.Name, Number: r.Number, ABI: r.ABI}
				m[k] = m[k].Add(r.Counts)
			}
		}
		s.Processes[i].Syscalls = tableOf(m)
	}
	s.Syscalls = tableOf(total)
	if s.Syscalls == nil {
		s.Syscalls = Table{}
	}
	return s
}

func tableOf(m map[Row]Counts) Table {
	var t Table
	for k, c := range m {
		k.Counts = c
		t = append(t, k)
	}
	sortTable(t)
	return t
}

func sortTable(t Table) {
	slices.SortFunc(t, func(a, b Row) int {
		return cmp.Or(cmp.Compare(a.ABI, b.ABI), cmp.Compare(a.Number, b.Number))
	})
}

func (th *thread) table() Table {
	var t Table
	for abi, s := range th.stats {
		for nr, c := range s {
			if c.Calls > 0 {
				t = append(t, Row{Name: nameOf(ABI(abi), nr), Number: nr, ABI: ABI(abi), Counts: c})
			}
		}
	}
	for k, c := range th.extraBox {
		if c.Calls > 0 {
			k.Name, k.Counts = nameOf(k.ABI, k.Number), *c
			t = append(t, k)
		}
	}
	sortTable(t)
	return t
}

func nameOf(abi ABI, nr int) string {
	if abi == Compat {
		return sysnum.CompatName(nr)
	}
	return sysnum.Name(nr)
}

// SyscallName returns strace's name of system call nr of abi, or
// "syscall_NNN" if the number is unknown.
func SyscallName(abi ABI, nr int) string { return nameOf(abi, nr) }

// SyscallNumber returns the number of the system call strace calls name in
// abi; ok is false if there is none.
func SyscallNumber(abi ABI, name string) (nr int, ok bool) {
	if abi == Compat {
		return sysnum.CompatNumber(name)
	}
	return sysnum.Number(name)
}
