package proc

import (
	"encoding/json"
	"strconv"

	"github.com/procscope/procscope/internal/oneline"
)

// Failure is one process that a scan over many processes could not read, or
// read only in part. Every such scan in this module (environ.Scan,
// fd.Holders and fd.HoldersOf, tree.Scan, container.Scan) returns what it
// could read together with a []Failure in pid order, at most one per
// process: what went wrong reading that process. The scan goes on after a
// failure; only a failure to list the processes, or a cancelled context,
// ends it.
//
// A Failure is an error whose Err is what went wrong, so [errors.Is] and
// [errors.As] see through it. Three kinds are expected and are part of
// normal operation:
//
//   - The process exited between the listing and the read: Err matches
//     [fs.ErrNotExist] (and [ErrGone] when the kernel said ESRCH). On a busy
//     machine every scan has some.
//   - The caller may not read the file: Err matches [fs.ErrPermission]
//     (another user's environ, fd or maps without CAP_SYS_PTRACE; hidepid).
//   - A capture lacks a file it should hold: Err matches [ErrDamaged].
//
// Anything else is not expected and worth reporting: a [*ParseError]
// (matching [ErrParse]) is a file in a format this module does not know, and
// other errors are I/O failures.
type Failure struct {
	PID int
	Err error
}

// Error returns "pid PID: " followed by Err's message on one line (each
// newline, as [errors.Join] puts between errors, becomes "; ").
func (f Failure) Error() string {
	msg := "<nil>"
	if f.Err != nil {
		msg = oneline.String(f.Err)
	}
	return "pid " + strconv.Itoa(f.PID) + ": " + msg
}

// Unwrap returns Err.
func (f Failure) Unwrap() error { return f.Err }

// MarshalJSON encodes the failure as {"pid": PID, "error": "Err's message"},
// the message on one line as in [Failure.Error].
func (f Failure) MarshalJSON() ([]byte, error) {
	msg := ""
	if f.Err != nil {
		msg = oneline.String(f.Err)
	}
	return json.Marshal(struct {
		PID   int    `json:"pid"`
		Error string `json:"error"`
	}{f.PID, msg})
}
