package syscallstat

import (
	"errors"
	"io/fs"
	"strconv"
	"syscall"

	"github.com/procscope/procscope/proc"
)

// Error is the error of a ptrace or wait request on one thread. It unwraps
// to the *os.SyscallError and so to the errno: errors.Is(err,
// fs.ErrPermission) holds for EPERM, and errors.Is(err, [proc.ErrGone]) and
// errors.Is(err, fs.ErrNotExist) for ESRCH.
type Error struct {
	PID int
	Op  string
	Err error
}

// Error returns "syscallstat: pid N: " and the cause.
func (e *Error) Error() string {
	return "syscallstat: pid " + strconv.Itoa(e.PID) + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is makes ESRCH match [proc.ErrGone] and fs.ErrNotExist.
func (e *Error) Is(target error) bool {
	return (target == proc.ErrGone || target == fs.ErrNotExist) && errors.Is(e.Err, syscall.ESRCH)
}

// goneError says that pid does not exist (any more), or has exited and is a
// zombie; it matches [proc.ErrGone] and fs.ErrNotExist.
type goneError struct {
	pid    int
	what   string // "no such process", or what is left of it
	reason error  // the cause (ESRCH, a /proc error), or nil
}

func (e *goneError) Error() string {
	return "syscallstat: pid " + strconv.Itoa(e.pid) + ": " + e.what
}

func (e *goneError) Unwrap() error { return e.reason }

func (e *goneError) Is(target error) bool { return target == proc.ErrGone || target == fs.ErrNotExist }

// ErrAlreadyTraced is matched by the error of [Attach] when another tracer
// (a debugger, strace) already traces the process.
var ErrAlreadyTraced = errors.New("syscallstat: process is already traced")
