package proc

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/procscope/procscope/internal/procint"
)

// TestSeamLiveDir: the raw paths of fd and tree are taken exactly when
// NewDir decided the tree is the live /proc. A tree that holds the same
// files but was made by New (os.DirFS("/proc")), a capture and a MapFS are
// not live, and LiveDir gives them no directory to make system calls on.
func TestSeamLiveDir(t *testing.T) {
	live, err := NewDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	capture, err := NewDir("../internal/fixtures/testdata/shell")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    *FS
		want string
	}{
		{"NewDir(/proc)", live, "/proc"},
		{"Default", Default(), "/proc"},
		{"New(os.DirFS(/proc))", New(os.DirFS("/proc")), ""},
		{"capture", capture, ""},
		{"MapFS", New(fstest.MapFS{}), ""},
	}
	for _, tt := range tests {
		if got := procint.LiveDir(tt.f); got != tt.want || tt.f.Live() != (tt.want != "") {
			t.Errorf("%s: LiveDir = %q, Live = %v; want %q", tt.name, got, tt.f.Live(), tt.want)
		}
	}
}

// TestSeamErrors: the hooks the packages beside proc use give the errors
// proc's own readers give.
func TestSeamErrors(t *testing.T) {
	err := procint.PathError("open", "1/fd", syscall.ESRCH)
	if !errors.Is(err, ErrGone) || !errors.Is(err, fs.ErrNotExist) || err.Error() != "open 1/fd: process gone (no such process)" {
		t.Errorf("PathError(ESRCH) = %v; want a gone error naming 1/fd", err)
	}
	if err := procint.PathError("open", "1/fd", syscall.EACCES); !errors.Is(err, fs.ErrPermission) || errors.Is(err, ErrGone) {
		t.Errorf("PathError(EACCES) = %v; want fs.ErrPermission only", err)
	}
	pe := &ParseError{Field: "pos", Err: errSyntax}
	if err := procint.WithPath(pe, "1/fdinfo/3"); pe.Path != "1/fdinfo/3" || !errors.Is(err, ErrParse) {
		t.Errorf("WithPath: Path = %q, err %v", pe.Path, err)
	}
	named := &ParseError{Path: "a", Field: "pos", Err: errSyntax}
	procint.WithPath(named, "b")
	if named.Path != "a" {
		t.Errorf("WithPath renamed a named error to %q", named.Path)
	}

	capture, err := NewDir("../internal/fixtures/testdata/shell")
	if err != nil {
		t.Fatal(err)
	}
	missing := &fs.PathError{Op: "open", Path: "1/stat", Err: fs.ErrNotExist}
	if err := procint.Damaged(capture, "1/stat", missing); !errors.Is(err, ErrDamaged) || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Damaged in a capture = %v; want ErrDamaged, not fs.ErrNotExist", err)
	}
	if err := procint.Damaged(Default(), "1/stat", missing); err != missing {
		t.Errorf("Damaged on the live /proc = %v; want the error itself", err)
	}
}
