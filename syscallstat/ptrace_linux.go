//go:build linux

package syscallstat

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/procscope/procscope/proc"
)

// All ptrace requests are raw syscalls made on the tracer's locked OS thread
// (see loop). They never block: a ptrace request on a stopped tracee returns
// at once, so skipping the runtime's entersyscall/exitsyscall bookkeeping is
// safe and saves it on every stop.

const _WNOTHREAD = 0x20000000 // __WNOTHREAD: only the calling thread's children and tracees

// ptraceRaw makes a request whose data is the address of a buffer the
// kernel reads or writes. data is an unsafe.Pointer, not a uintptr, so that
// the buffer is kept alive and, if it is on the stack, its address is
// updated when the stack moves, whether or not this function is inlined
// (only the call expression of an assembly function such as RawSyscall6
// keeps a uintptr(unsafe.Pointer(p)) argument valid).
func ptraceRaw(req int, tid int, addr uintptr, data unsafe.Pointer) syscall.Errno {
	_, _, e := unix.RawSyscall6(unix.SYS_PTRACE, uintptr(req), uintptr(tid), addr, uintptr(data), 0, 0)
	return e
}

// ptraceVal makes a request whose data is a number (options, a signal).
func ptraceVal(req int, tid int, addr, data uintptr) syscall.Errno {
	_, _, e := unix.RawSyscall6(unix.SYS_PTRACE, uintptr(req), uintptr(tid), addr, data, 0, 0)
	return e
}

// syscallInfo is struct ptrace_syscall_info (PTRACE_GET_SYSCALL_INFO, Linux
// 5.3): the kernel tells entry from exit and the ABI of the call, so the
// tracer keeps no fragile in/out toggle and sees int 0x80 calls from 64-bit
// code as compat calls (the registers alone do not show that).
type syscallInfo struct {
	Op    uint8
	_     uint8
	Flags uint16
	Arch  uint32
	IP    uint64
	SP    uint64
	// entry and seccomp: nr, args[6], ret_data; exit: rval, is_error.
	NrOrRval uint64
	Args     [6]uint64
	RetData  uint32
	_        uint32
}

const syscallInfoSize = unsafe.Sizeof(syscallInfo{})

func ptraceErr(tid int, req string, e syscall.Errno) error {
	return &Error{PID: tid, Op: req, Err: os.NewSyscallError("ptrace("+req+")", e)}
}

// seizeError explains why PTRACE_SEIZE failed on tid.
func seizeError(tid int, e syscall.Errno) error {
	base := ptraceErr(tid, "PTRACE_SEIZE", e)
	switch e {
	case syscall.ESRCH:
		return base
	case syscall.EPERM:
		if what, gone := whatIs(tid); what != "" {
			if gone {
				return &goneError{pid: tid, what: what, reason: base}
			}
			return fmt.Errorf("%w (%s)", base, what)
		}
		if tracer := tracerPID(tid); tracer > 0 {
			return fmt.Errorf("%w: process %d is traced by pid %d: %w", ErrAlreadyTraced, tid, tracer, base)
		}
		return fmt.Errorf("%w (%s)", base, permissionHint(tid))
	}
	return base
}

// whatIs names what tid is if it is something no tracer can seize: this
// process, a kernel thread or a zombie (gone is true for a zombie). It
// returns "" for anything else.
func whatIs(tid int) (what string, gone bool) {
	p := liveProc.Process(tid)
	st, err := p.Status()
	if err != nil {
		return "", false
	}
	switch {
	case st.Tgid == os.Getpid():
		return fmt.Sprintf("pid %d is this process (%q): a process cannot trace itself", tid, st.Name), false
	case st.State == proc.Zombie:
		return fmt.Sprintf("pid %d is a zombie (%q): it has exited and waits for its parent to reap it", tid, st.Name), true
	}
	if s, err := p.Stat(); err == nil && s.IsKernelThread() {
		return fmt.Sprintf("pid %d is a kernel thread (%q): kernel threads cannot be traced", tid, st.Name), false
	}
	return "", false
}

// permissionHint names what the tracer lacks to trace tid.
func permissionHint(tid int) string {
	var hints []string
	if b, err := liveProc.ReadFile("sys/kernel/yama/ptrace_scope"); err == nil {
		switch strings.TrimSpace(string(b)) {
		case "1":
			hints = append(hints, "Yama ptrace_scope is 1: only descendants may be traced without CAP_SYS_PTRACE")
		case "2":
			hints = append(hints, "Yama ptrace_scope is 2: tracing needs CAP_SYS_PTRACE")
		case "3":
			hints = append(hints, "Yama ptrace_scope is 3: ptrace attach is disabled until reboot")
		}
	}
	if st, err := liveProc.Process(tid).Status(); err == nil {
		// Attaching, the kernel compares our real uid with the
		// target's real, effective and saved uids (__ptrace_may_access,
		// PTRACE_MODE_REALCREDS).
		me := uint32(os.Getuid())
		if u := st.Uid; u.Real != me || u.Effective != me || u.Saved != me {
			hints = append(hints, fmt.Sprintf("pid %d runs as uid %d, euid %d, suid %d and we run as uid %d: tracing it needs CAP_SYS_PTRACE",
				tid, u.Real, u.Effective, u.Saved, me))
		}
	}
	if len(hints) == 0 {
		hints = append(hints, "tracing needs the same uid and a dumpable process, or CAP_SYS_PTRACE; a seccomp filter or an LSM may also deny ptrace")
	}
	return strings.Join(hints, "; ")
}

// liveProc reads the live /proc.
var liveProc = proc.Default()

// tracerPID returns the TracerPid of /proc/tid/status, or 0.
func tracerPID(tid int) int {
	st, err := liveProc.Process(tid).Status()
	if err != nil {
		return 0
	}
	return st.TracerPid
}

// tgidOf returns the thread group of thread tid from /proc/tid/status.
func tgidOf(tid int) (int, error) {
	st, err := liveProc.Process(tid).Status()
	if err != nil {
		return 0, err
	}
	return st.Tgid, nil
}

// notExist is the one-line error for a pid that does not exist; err (ESRCH
// or the /proc error that showed it) is kept for errors.Is and As.
func notExist(pid int, err error) error {
	return &goneError{pid: pid, what: "no such process", reason: err}
}
