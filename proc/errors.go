package proc

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"syscall"
)

// Errors a caller can test for with [errors.Is].
var (
	// ErrGone means the process (or thread) exited while it was being read.
	// ErrGone itself matches [fs.ErrNotExist], so every error that wraps it
	// matches both, whichever package wraps it.
	ErrGone error = gone{}

	// ErrParse means a /proc file did not have the format the parser expects.
	// Errors that match it are [*ParseError] values naming the file.
	ErrParse = errors.New("malformed /proc file")
)

// gone is the type of [ErrGone]: a sentinel that also is [fs.ErrNotExist].
type gone struct{}

func (gone) Error() string { return "process gone" }

func (gone) Is(target error) bool { return target == fs.ErrNotExist }

// goneError is the error for a process that exited mid-read. It matches both
// [ErrGone] and [fs.ErrNotExist] and unwraps to the errno the kernel gave.
type goneError struct{ errno syscall.Errno }

func (e goneError) Error() string { return "process gone (" + e.errno.Error() + ")" }

func (e goneError) Is(target error) bool { return target == ErrGone || target == fs.ErrNotExist }

func (e goneError) Unwrap() error { return e.errno }

// ParseError reports a /proc file whose content could not be parsed. Path is
// the file's name relative to the FS root (empty when parsing a bare byte
// slice), Field the part being parsed and Value the raw text found there.
type ParseError struct {
	Path  string
	Field string
	Value string
	Err   error
}

// Error returns "FILE: FIELD \"VALUE\": cause", or "parse: ..." for a
// parser given bytes without a file name.
func (e *ParseError) Error() string {
	name := e.Path
	if name == "" {
		name = "parse"
	}
	msg := name + ": " + e.Field
	if e.Value != "" {
		msg += " " + strconv.Quote(truncate(e.Value, 64))
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is reports whether target is [ErrParse].
func (e *ParseError) Is(target error) bool { return target == ErrParse }

// Unwrap returns the underlying cause, such as a [strconv.NumError].
func (e *ParseError) Unwrap() error { return e.Err }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// errTruncated and friends are the causes carried by ParseError.
var (
	errTruncated = errors.New("file truncated")
	errSyntax    = errors.New("invalid syntax")
)

// parseErr builds a ParseError without a path; readers add the path with withPath.
func parseErr(field, value string, err error) error {
	return &ParseError{Field: field, Value: value, Err: err}
}

// withPath names the file in the [*ParseError]s of err (itself, or wrapped
// or joined in it) that a parser of bytes returned without one, and returns
// err. The packages beside this one reach it as procint.WithPath. Parse
// errors are made fresh by each parse, so they are filled in place.
func withPath(err error, name string) error {
	var pe *ParseError
	if errors.As(err, &pe) && pe.Path == "" {
		pe.Path = name
	}
	return err
}

// normalize makes errors from reading /proc testable with errors.Is: the
// kernel answers ESRCH for some files of an exited process and ENOENT for
// others; both then match fs.ErrNotExist, and ESRCH also matches ErrGone.
// EACCES and EPERM already match fs.ErrPermission through syscall.Errno.Is.
func normalize(err error) error {
	if err == nil {
		return nil
	}
	var errno syscall.Errno
	if !errors.As(err, &errno) || errno != syscall.ESRCH {
		return err
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: pe.Path, Err: goneError{errno}}
	}
	return goneError{errno}
}

// pathError wraps the failure of a system call on the file name (relative to
// the tree's root) as [FS]'s methods do: ESRCH matches [ErrGone] and
// [fs.ErrNotExist], ENOENT [fs.ErrNotExist], EACCES and EPERM
// [fs.ErrPermission]. The packages beside this one, which make raw system
// calls on the live /proc, reach it as procint.PathError.
func pathError(op, name string, err error) error {
	return normalize(&fs.PathError{Op: op, Path: name, Err: err})
}

// errnoByName and nameOfErrno translate the errors a capture records.
var errnoByName = map[string]syscall.Errno{
	"ENOENT": syscall.ENOENT,
	"ESRCH":  syscall.ESRCH,
	"EACCES": syscall.EACCES,
	"EPERM":  syscall.EPERM,
	"EINVAL": syscall.EINVAL,
	"EIO":    syscall.EIO,
}

func nameOfErrno(err error) (string, bool) {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return "", false
	}
	for name, e := range errnoByName {
		if e == errno {
			return name, true
		}
	}
	return "", false
}

func recordedError(op, name, errName string) error {
	errno, ok := errnoByName[errName]
	if !ok {
		return &fs.PathError{Op: op, Path: name, Err: fmt.Errorf("recorded error %q", errName)}
	}
	return normalize(&fs.PathError{Op: op, Path: name, Err: errno})
}
