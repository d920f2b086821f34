package environ

import (
	"errors"
	"fmt"
	"io/fs"
	"unsafe"

	"github.com/procscope/procscope/proc"
)

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
// process is a zombie, dead, has lost its address space, or no longer
// exists, it returns an error matching both [proc.ErrGone] and [fs.ErrNotExist].
// A zombie group leader whose other threads still run is read through one of
// those threads instead.
//
// Other errors: [fs.ErrPermission] for another user's process (environ is
// readable only with ptrace access), [fs.ErrNotExist] for a missing pid.
func Read(p proc.Process) (Env, error) {
	// proc.FS.ReadFile reads into a pooled buffer and returns an exact copy
	// (one allocation however large the environment), and replays the
	// errors a capture recorded.
	b, err := p.ReadFile("environ")
	switch {
	case err == nil && len(b) > 0 && b[len(b)-1] == 0:
		return parseOwned(b), nil
	case err != nil && !errors.Is(err, proc.ErrGone):
		return Env{}, err
	}
	return check(p, b, err)
}

// check decides what an empty or unterminated read of p's environ, or one
// that failed with ESRCH (readErr, matching [proc.ErrGone]), means: recent
// kernels refuse to open environ of a task without memory, older ones read
// it as empty. Either way the process may be gone (a zombie, dead, or
// exiting), a zombie leader whose threads live on, or a kernel thread whose
// environment is simply empty; stat tells which.
func check(p proc.Process, b []byte, readErr error) (Env, error) {
	st, err := p.Stat()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Env{}, goneErr(p, readErr, "the process exited")
	case err != nil:
		// Cannot tell; the bytes (or the error) are what the kernel gave.
		if readErr != nil {
			return Env{}, readErr
		}
		return parseOwned(b), nil
	case st.State == proc.Zombie && st.NumThreads > 1:
		if b, ok := readViaThread(p); ok {
			return parseOwned(b), nil
		}
		return Env{}, goneErr(p, readErr, "the thread group leader is a zombie")
	case st.State == proc.Zombie || st.State == proc.Dead:
		return Env{}, goneErr(p, readErr, "the process is a "+st.State.String())
	case st.IsKernelThread():
		return parseOwned(b), nil // empty
	case len(b) == 0 && st.VSize == 0:
		return Env{}, goneErr(p, readErr, "the process has released its memory (exiting)")
	case readErr != nil:
		return Env{}, readErr
	}
	return parseOwned(b), nil
}

// goneErr says that p is gone: its environ read empty or, with readErr,
// could not be opened (ESRCH), and why stat says so.
func goneErr(p proc.Process, readErr error, why string) error {
	op, what := "read", "empty read"
	if readErr != nil {
		op, what = "open", "refused (no such process)"
	}
	return &fs.PathError{Op: op, Path: p.Path("environ"),
		Err: fmt.Errorf("%s: %s: %w", what, why, proc.ErrGone)}
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
