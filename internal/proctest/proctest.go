// Package proctest holds helpers for tests that start processes and read
// them through package proc.
package proctest

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/procscope/procscope/proc"
)

// WaitStopped waits until every thread of p is in a stop (after SIGSTOP) and
// two reads of its status agree, so that nothing in /proc/PID changes any
// more. SigQ is left out of the comparison: it counts the signals queued for
// the whole user, not for the process.
func WaitStopped(tb testing.TB, p proc.Process) {
	tb.Helper()
	ignoreSigQ := cmpopts.IgnoreFields(proc.Status{}, "SigQ")
	var last proc.Status
	for range 1000 {
		time.Sleep(10 * time.Millisecond)
		tasks, err := p.Tasks()
		if err != nil {
			tb.Fatal(err)
		}
		all := true
		for _, task := range tasks {
			if st, err := task.Stat(); err != nil || st.State != proc.Stopped {
				all = false
			}
		}
		status, err := p.Status()
		if err != nil {
			tb.Fatal(err)
		}
		if all && cmp.Equal(status, last, ignoreSigQ) {
			return
		}
		last = status
	}
	tb.Fatalf("process %d did not come to a stop", p.PID)
}

// Dir opens the directory tree dir (a capture, or a mounted proc file
// system) with [proc.NewDir], failing the test when it cannot.
func Dir(tb testing.TB, dir string) *proc.FS {
	tb.Helper()
	f, err := proc.NewDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

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

// CopyCapture copies the capture (or fixture tree) src into a new temporary
// directory, symbolic links as links, files 0600 and directories 0700, for a
// test to damage, and returns the copy's path.
func CopyCapture(tb testing.TB, src string) string {
	tb.Helper()
	dst := filepath.Join(tb.TempDir(), "capture")
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dst, rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(target, to)
		case d.IsDir():
			return os.MkdirAll(to, 0o700)
		default:
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(to, b, 0o600)
		}
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dst
}
