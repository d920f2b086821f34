package copytree

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCopy(t *testing.T) {
	src := t.TempDir()
	if err := os.MkdirAll(filepath.Join(src, "1", "fd"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "1", "comm"), []byte("init\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(src, "1", "fd", "3")); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "copy")
	if err := Copy(src, dst); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dst, "1", "comm"))
	if err != nil || string(b) != "init\n" {
		t.Errorf("comm = %q, %v; want %q", b, err, "init\n")
	}
	if fi, err := os.Stat(filepath.Join(dst, "1", "comm")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("comm mode = %v, %v; want 0600", fi.Mode(), err)
	}
	if fi, err := os.Stat(filepath.Join(dst, "1")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("dir mode = %v, %v; want 0700", fi.Mode(), err)
	}
	target, err := os.Readlink(filepath.Join(dst, "1", "fd", "3"))
	if err != nil || target != "/etc/passwd" {
		t.Errorf("link = %q, %v; want a link to /etc/passwd, not followed", target, err)
	}
}
