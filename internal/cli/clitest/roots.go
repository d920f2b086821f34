package clitest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procscope/procscope/proc"
)

// BadRoots returns directories that [proc.NewDir] must refuse, by what is
// wrong with them: one that does not exist, a regular file, and a capture
// whose capture.json is garbage.
func BadRoots(tb testing.TB) map[string]string {
	tb.Helper()
	dir := tb.TempDir()
	file := filepath.Join(dir, "file")
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(file, []byte("not a directory\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.Mkdir(garbage, 0o700); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(garbage, proc.CaptureFile), []byte("{garbage"), 0o600); err != nil {
		tb.Fatal(err)
	}
	return map[string]string{
		"nonexistent":     filepath.Join(dir, "nonexistent"),
		"regular file":    file,
		"garbage capture": garbage,
	}
}

// CheckRootError checks the error an example's run returned for a bad
// -root: there must be one, on one line, naming the directory.
func CheckRootError(tb testing.TB, err error, dir string) {
	tb.Helper()
	switch {
	case err == nil:
		tb.Errorf("-root %s: no error", dir)
	case strings.Contains(err.Error(), "\n"):
		tb.Errorf("-root %s: error on more than one line: %q", dir, err)
	case !strings.Contains(err.Error(), dir):
		tb.Errorf("-root %s: error %q does not name the directory", dir, err)
	}
}
