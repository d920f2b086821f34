package syscallstat

import (
	"errors"
	"io/fs"
	"strconv"
	"syscall"
)

// Error is the error of a ptrace or wait request on one thread. It unwraps
// to the *os.SyscallError and so to the errno: errors.Is(err,
// fs.ErrPermission) holds for EPERM and errors.Is(err, fs.ErrNotExist)
// (and ErrGone) for ESRCH.
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

// Is makes ESRCH match ErrGone and fs.ErrNotExist.
func (e *Error) Is(target error) bool {
	return (target == ErrGone || target == fs.ErrNotExist) && errors.Is(e.Err, syscall.ESRCH)
}

// ErrGone is matched by errors about a process or thread that does not exist
// (any more). errors.Is(err, fs.ErrNotExist) holds for them too.
var ErrGone = errors.New("syscallstat: no such process")

// ErrAlreadyTraced is matched by the error of [Attach] when another tracer
// (a debugger, strace) already traces the process.
var ErrAlreadyTraced = errors.New("syscallstat: process is already traced")
