package environ

import (
	"errors"
	"fmt"
	"io/fs"
	"unsafe"

	"github.com/procscope/procscope/proc"
)

// ErrGone is proc.ErrGone: the process exited. Errors matching it also
// match [fs.ErrNotExist].
var ErrGone = proc.ErrGone

// Read reads /proc/PID/environ of p and parses it with [Parse].
//
// The kernel shows the environment as it was at exec: later setenv calls
// are not there, and a process that rewrote that memory (some rename their
// argv in place and spill over) shows what it wrote. A process the kernel
// has already let go of its memory (a zombie, a reaped process whose file was
// still open, a process in the middle of exiting) reads as empty with no
// error (recent kernels fail the open with ESRCH instead). Read tells that
// from a real empty environment (env -i, kernel threads): after an empty or
// unterminated read, or ESRCH, it looks at the process's stat, and when the
// process is a zombie, dead, has lost its address space, or no longer exists, it returns an error matching both [ErrGone] and
// [fs.ErrNotExist]. A zombie group leader whose other threads still run is
// read through one of those threads instead.
//
// Other errors: [fs.ErrPermission] for another user's process (environ is
// readable only with ptrace access), [fs.ErrNotExist] for a missing pid.
func Read(p proc.Process) (Env, error) {
	b, err := readEnviron(p)
	if errors.Is(err, proc.ErrGone) {
		// Recent kernels refuse to open environ of a task without memory
		// with ESRCH: a zombie, but also a kernel thread, whose environment
		// is simply empty, and a zombie leader whose threads live on.
		if st, serr := p.Stat(); serr == nil {
			switch {
			case st.IsKernelThread() && st.State != proc.Zombie:
				return Env{}, nil
			case st.State == proc.Zombie && st.NumThreads > 1:
				if b, ok := readViaThread(p); ok {
					return parseOwned(b), nil
				}
			}
		}
	}
	if err != nil {
		return Env{}, err
	}
	return check(p, b)
}

// readEnviron reads p's environ file through [proc.FS.ReadFile], which reads
// into a pooled buffer and returns an exact copy (one allocation however
// large the environment), and replays the errors a capture recorded.
func readEnviron(p proc.Process) ([]byte, error) {
	return p.ReadFile("environ")
}

// check turns the bytes read from p's environ into an Env, or into a "gone"
// error when they are empty because the process no longer has memory.
func check(p proc.Process, b []byte) (Env, error) {
	if len(b) > 0 && b[len(b)-1] == 0 {
		return parseOwned(b), nil
	}
	// Empty (or cut short): the environment, or a process without memory?
	st, err := p.Stat()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Env{}, goneErr(p, "the process exited")
	case err != nil:
		// Cannot tell; the bytes are what the kernel gave.
		return parseOwned(b), nil
	case st.State == proc.Zombie && st.NumThreads > 1:
		if b, ok := readViaThread(p); ok {
			return parseOwned(b), nil
		}
		return Env{}, goneErr(p, "the thread group leader is a zombie")
	case st.State == proc.Zombie || st.State == proc.Dead:
		return Env{}, goneErr(p, "the process is a "+st.State.String())
	case len(b) == 0 && st.VSize == 0 && !st.IsKernelThread():
		return Env{}, goneErr(p, "the process has released its memory (exiting)")
	}
	return parseOwned(b), nil
}

func goneErr(p proc.Process, why string) error {
	return &fs.PathError{Op: "read", Path: p.Path("environ"),
		Err: fmt.Errorf("empty read: %s: %w: %w", why, proc.ErrGone, fs.ErrNotExist)}
}

// readViaThread reads the environment through a live thread of p.
func readViaThread(p proc.Process) ([]byte, bool) {
	tasks, err := p.Tasks()
	if err != nil {
		return nil, false
	}
	for _, t := range tasks {
		if t.TID == p.PID {
			continue
		}
		b, err := p.FS().ReadFile(t.Path("environ"))
		if err == nil && len(b) > 0 {
			return b, true
		}
	}
	return nil, false
}

// parseOwned parses a buffer that nobody else holds (it was just read)
// without copying it: the strings point into b, which must not be modified
// afterwards. This saves a copy of the whole block (Parse has to copy
// because its caller keeps the slice).
func parseOwned(b []byte) Env {
	if len(b) == 0 {
		return Env{}
	}
	return ParseString(unsafe.String(&b[0], len(b)))
}
