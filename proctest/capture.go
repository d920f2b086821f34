package proctest

import (
	"path/filepath"
	"testing"

	"github.com/procscope/procscope/internal/copytree"
	"github.com/procscope/procscope/proc"
)

// Capture opens the capture in dir (written by examples/capture,
// [proc.Capture] or [Tree.WriteDir]) with [proc.NewDir] as a test fixture,
// failing the test when dir is not a readable capture. A relative dir is
// taken from the package directory, where go test runs, as
// "testdata/NAME" usually is.
func Capture(tb testing.TB, dir string) *proc.FS {
	tb.Helper()
	fsys, err := proc.NewDir(dir)
	if err != nil {
		tb.Fatalf("proctest: capture: %v", err)
	}
	return fsys
}

// CopyCapture copies the capture in src into a new temporary directory and
// returns its path, for a test that changes a fixture (damages a file,
// plants a link) without touching the original. Links are copied as links,
// never followed; directories are made 0700 and files 0600, as a capture
// is written.
func CopyCapture(tb testing.TB, src string) string {
	tb.Helper()
	dst := filepath.Join(tb.TempDir(), "capture")
	err := copytree.Copy(src, dst)
	if err != nil {
		tb.Fatalf("proctest: copy capture: %v", err)
	}
	return dst
}
