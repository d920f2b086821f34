package proctest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/procscope/procscope/proc"
)

// Capture opens the capture in dir (written by examples/capture,
// [proc.Capture] or [Tree.WriteDir]) as a test fixture, failing the test
// when dir holds no capture. A relative dir is taken from the package
// directory, where go test runs, as "testdata/NAME" usually is.
func Capture(tb testing.TB, dir string) *proc.FS {
	tb.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		tb.Fatalf("proctest: capture %s: %v", dir, err)
	}
	if _, err := os.Stat(filepath.Join(abs, proc.CaptureFile)); err != nil {
		tb.Fatalf("proctest: capture %s: %v", dir, err)
	}
	fsys := proc.NewDir(abs)
	if _, err := fsys.Capture(); err != nil {
		tb.Fatalf("proctest: capture %s: %v", dir, err)
	}
	return fsys
}
