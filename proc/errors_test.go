package proc_test

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/procscope/procscope/proc"
)

// TestErrGoneIsNotExist: ErrGone itself matches fs.ErrNotExist, so a
// package that wraps the bare sentinel keeps the promise that a gone
// process matches both; the reverse does not hold (a missing file is not a
// gone process).
func TestErrGoneIsNotExist(t *testing.T) {
	for _, err := range []error{
		proc.ErrGone,
		fmt.Errorf("read 5/stat: %w", proc.ErrGone),
		&fs.PathError{Op: "read", Path: "5/stat", Err: proc.ErrGone},
		errors.Join(errors.New("other"), proc.ErrGone),
	} {
		if !errors.Is(err, proc.ErrGone) || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%q: errors.Is ErrGone %v, fs.ErrNotExist %v; want both", err, errors.Is(err, proc.ErrGone), errors.Is(err, fs.ErrNotExist))
		}
	}
	if errors.Is(fs.ErrNotExist, proc.ErrGone) {
		t.Error("fs.ErrNotExist matches ErrGone; want only the other way round")
	}
	if errors.Is(proc.ErrGone, fs.ErrPermission) || errors.Is(proc.ErrGone, proc.ErrParse) {
		t.Error("ErrGone matches fs.ErrPermission or ErrParse")
	}
	if got := proc.ErrGone.Error(); got != "process gone" {
		t.Errorf("ErrGone.Error() = %q, want %q", got, "process gone")
	}
}
