// Package testexe lets a test run its own binary as another user. The
// test binary sits in a private build directory (0700), so a test that
// runs a helper as uid 65534 needs a copy that user can reach.
package testexe

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// Dir makes a temporary directory that every user can read and enter; it
// is removed when the test ends. (t.TempDir's parent is 0700.)
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.MkdirTemp("", "procscope-public-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// Public copies the running test binary into a new [Dir] and returns the
// copy's path: a binary any user can run.
func Public(tb testing.TB) string {
	tb.Helper()
	self, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	in, err := os.Open(self)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	bin := filepath.Join(Dir(tb), filepath.Base(self))
	out, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
	return bin
}
