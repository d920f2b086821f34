package proc

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/procscope/procscope/internal/copytree"
)

// copyTree copies the directory tree src to dst, symbolic links as links.
// proctest.CopyCapture does the same, but package proc's tests cannot import
// proctest (it imports proc): both call internal/copytree.
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	if err := copytree.Copy(src, dst); err != nil {
		t.Fatal(err)
	}
}

// plant replaces the file name of the capture dir with a symbolic link to target.
func plant(t *testing.T, dir, name, target string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.RemoveAll(p); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}

// bothPaths runs f with the openat2 path and with the os.Root path.
func bothPaths(t *testing.T, f func(t *testing.T)) {
	for _, openat2 := range []bool{true, false} {
		name := "os.Root"
		if openat2 {
			name = "openat2"
		}
		t.Run(name, func(t *testing.T) {
			if openat2 && !useOpenat2 {
				t.Skip("openat2 is not used on this system")
			}
			old := useOpenat2
			useOpenat2 = openat2
			t.Cleanup(func() { useOpenat2 = old })
			f(t)
		})
	}
}

// TestCaptureNeverFollowsLinks plants links in a copy of a fixture capture,
// to a file outside it holding a known value (and, relative, up out of it,
// through a directory, and inside the tree), and checks that no read
// returns that value, nor follows any link.
func TestCaptureNeverFollowsLinks(t *testing.T) {
	bothPaths(t, func(t *testing.T) {
		base := t.TempDir()
		dir := filepath.Join(base, "capture")
		copyTree(t, "../internal/fixtures/testdata/shell", dir)
		const planted = "PLANTED_OUTSIDE=value-from-outside"
		outside := filepath.Join(base, "outside")
		if err := os.WriteFile(outside, []byte(planted+"\x00"), 0o600); err != nil {
			t.Fatal(err)
		}
		outDir := filepath.Join(base, "outdir")
		copyTree(t, filepath.Join(dir, "7970"), outDir)
		if err := os.WriteFile(filepath.Join(outDir, "environ"), []byte(planted+"\x00"), 0o600); err != nil {
			t.Fatal(err)
		}
		plant(t, dir, "7967/environ", outside)                  // absolute, out
		plant(t, dir, "7967/status", "../../outside")           // relative, up and out
		plant(t, dir, "7967/cmdline", "comm")                   // inside the tree
		plant(t, dir, "7967/fdinfo", "/proc/self/fdinfo")       // a directory, out
		plant(t, dir, "7967/task/7967/stat", "/proc/self/stat") // the live /proc
		plant(t, dir, "7970", outDir)                           // a whole process

		f, err := NewDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if f.Live() {
			t.Fatal("a capture is Live")
		}
		for _, name := range []string{"7967/environ", "7967/status", "7967/cmdline", "7967/task/7967/stat", "7970/environ", "7970/stat", "7967/fdinfo/0"} {
			b, err := f.ReadFile(name)
			if !errors.Is(err, ErrLink) {
				t.Errorf("ReadFile(%s) = %q, %v; want an error matching ErrLink", name, b, err)
			}
			if strings.Contains(string(b), "outside") {
				t.Errorf("ReadFile(%s) returned the planted file", name)
			}
			if err != nil && (strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), name)) {
				t.Errorf("ReadFile(%s): error %q is not one line naming the file", name, err)
			}
			if _, err := fs.ReadFile(f.fsys, name); !errors.Is(err, ErrLink) {
				t.Errorf("fs.ReadFile(FS(), %s): %v; want ErrLink", name, err)
			}
		}
		if _, err := f.Process(7970).Stat(); !errors.Is(err, ErrLink) {
			t.Errorf("Stat of a process whose directory is a link: %v; want ErrLink", err)
		}
		for _, name := range []string{"7970/fd", "7967/fdinfo"} {
			if ents, err := f.ReadDir(name); !errors.Is(err, ErrLink) {
				t.Errorf("ReadDir(%s) = %v, %v; want ErrLink", name, ents, err)
			}
		}
		if _, err := f.ReadLink("7970/exe"); !errors.Is(err, ErrLink) {
			t.Errorf("ReadLink through a linked process directory: %v; want ErrLink", err)
		}

		// The recorded links are data: readlink gives the capturing host's
		// path, Lstat the link itself; opening one follows nothing.
		if s, err := f.ReadLink("7967/exe"); err != nil || s != "/usr/bin/dash" {
			t.Errorf("ReadLink(7967/exe) = %q, %v; want /usr/bin/dash", s, err)
		}
		if s, err := f.ReadLink("7967/environ"); err != nil || s != outside {
			t.Errorf("ReadLink of the planted link = %q, %v; want its target as data", s, err)
		}
		if s, err := f.ReadLink("7967/comm"); !errors.Is(err, syscall.EINVAL) {
			t.Errorf("ReadLink of a regular file = %q, %v; want EINVAL", s, err)
		}
		if fi, err := fs.Lstat(f.fsys, "7967/cwd"); err != nil || fi.Mode()&fs.ModeSymlink == 0 || fi.Name() != "cwd" {
			t.Errorf("fs.Lstat(7967/cwd) = %v, %v; want the link itself", fi, err)
		}
		if _, err := f.fsys.Open("7967/cwd"); !errors.Is(err, ErrLink) {
			t.Errorf("Open(7967/cwd): %v; want ErrLink", err)
		}
		if exe, err := f.Process(7967).Exe(); err != nil || exe.Path != "/usr/bin/dash" || exe.Ino != 247072 {
			t.Errorf("Exe() = %+v, %v; want /usr/bin/dash with the recorded inode", exe, err)
		}
		// Entries are listed, and described, without following.
		ents, err := f.ReadDir("7967")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			fi, err := e.Info()
			if err != nil {
				t.Errorf("Info of %s: %v", e.Name(), err)
				continue
			}
			if link := e.Type()&fs.ModeSymlink != 0; link != (fi.Mode()&fs.ModeSymlink != 0) {
				t.Errorf("%s: Type %v, Info().Mode() %v disagree", e.Name(), e.Type(), fi.Mode())
			}
		}
	})
}

// TestCaptureNames: a name that is absolute or holds ".." is an error,
// whatever lies there.
func TestCaptureNames(t *testing.T) {
	bothPaths(t, func(t *testing.T) {
		base := t.TempDir()
		dir := filepath.Join(base, "capture")
		copyTree(t, "../internal/fixtures/testdata/shell", dir)
		if err := os.WriteFile(filepath.Join(base, "outside"), []byte("outside"), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := NewDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"../outside", "7967/../../outside", "7967/../7967/comm", "/etc/passwd", dir + "/7967/comm", "", "7967//comm", "7967/comm/"} {
			if b, err := f.ReadFile(name); !errors.Is(err, fs.ErrInvalid) {
				t.Errorf("ReadFile(%q) = %q, %v; want fs.ErrInvalid", name, b, err)
			}
			if _, err := f.ReadLink(name); !errors.Is(err, fs.ErrInvalid) {
				t.Errorf("ReadLink(%q): %v; want fs.ErrInvalid", name, err)
			}
			if _, err := f.ReadDir(name); !errors.Is(err, fs.ErrInvalid) {
				t.Errorf("ReadDir(%q): %v; want fs.ErrInvalid", name, err)
			}
			if _, err := f.Lstat(name); !errors.Is(err, fs.ErrInvalid) {
				t.Errorf("Lstat(%q): %v; want fs.ErrInvalid", name, err)
			}
		}
		if b, err := f.ReadFile("7967/comm"); err != nil || string(b) != "sh\n" {
			t.Errorf("ReadFile(7967/comm) = %q, %v", b, err)
		}
	})
}

// TestNewDir: the live /proc is told by its file system, and a bad root is
// a one-line error naming it.
func TestNewDir(t *testing.T) {
	live, err := NewDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	if !live.Live() || !Default().Live() {
		t.Errorf("/proc: Live() = %v, Default().Live() = %v; want true", live.Live(), Default().Live())
	}
	fixture, err := NewDir("../internal/fixtures/testdata/shell")
	if err != nil || fixture.Live() {
		t.Fatalf("fixture: %v, Live %v; want a capture", err, fixture != nil && fixture.Live())
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)
	garbage := filepath.Join(dir, "garbage")
	os.Mkdir(garbage, 0o700)
	os.WriteFile(filepath.Join(garbage, CaptureFile), []byte("\x00garbage"), 0o600)
	linked := filepath.Join(dir, "linked")
	os.Mkdir(linked, 0o700)
	os.WriteFile(filepath.Join(dir, "real.json"), []byte(`{"pids":[1]}`), 0o600)
	os.Symlink("../real.json", filepath.Join(linked, CaptureFile))
	for _, tt := range []struct {
		dir  string
		want error
	}{
		{filepath.Join(dir, "nonexistent"), fs.ErrNotExist},
		{file, syscall.ENOTDIR},
		{garbage, ErrParse},
		{linked, ErrLink},
	} {
		f, err := NewDir(tt.dir)
		if f != nil || !errors.Is(err, tt.want) {
			t.Errorf("NewDir(%s) = %v, %v; want an error matching %v", tt.dir, f, err, tt.want)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, tt.dir) {
			t.Errorf("NewDir(%s): error %q is not one line naming the directory", tt.dir, msg)
		}
	}
}

// BenchmarkBeneath compares the ways of reading a capture file and link:
// openat2 beneath the root, os.Root with an lstat per component, and the
// plain open and readlink of a path (which follow links: the old way).
func BenchmarkBeneath(b *testing.B) {
	const dir = "../internal/fixtures/testdata/shell"
	buf := make([]byte, 0, 4096)
	b.Run("plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := readInto(dir+"/7967/task/7967/stat", buf[:0]); err != nil {
				b.Fatal(err)
			}
			if _, err := os.Readlink(dir + "/7967/exe"); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, openat2 := range []bool{true, false} {
		name := "os.Root"
		if openat2 {
			name = "openat2"
		}
		b.Run(name, func(b *testing.B) {
			old := useOpenat2
			useOpenat2 = openat2
			d, err := openBeneath(dir)
			useOpenat2 = old
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := d.readFile("7967/task/7967/stat", buf[:0]); err != nil {
					b.Fatal(err)
				}
				if _, err := d.readLink("7967/exe"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestCaptureSpecialFiles: a named pipe or a device planted in a capture is
// refused at once, not read (a pipe would hang the open, /dev/zero never
// end).
func TestCaptureSpecialFiles(t *testing.T) {
	bothPaths(t, func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "capture")
		copyTree(t, "../internal/fixtures/testdata/shell", dir)
		stat := filepath.Join(dir, "7967", "stat")
		os.Remove(stat)
		if err := syscall.Mkfifo(stat, 0o600); err != nil {
			t.Fatal(err)
		}
		env := filepath.Join(dir, "7967", "environ")
		os.Remove(env)
		zero := os.Getuid() == 0 && syscall.Mknod(env, syscall.S_IFCHR|0o600, 1<<8|5) == nil // /dev/zero
		f, err := NewDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			if _, err := f.Process(7967).Stat(); !errors.Is(err, errNotRegular) {
				t.Errorf("Stat of a named pipe: %v; want it refused", err)
			}
			if _, err := fs.ReadFile(f.fsys, "7967/stat"); !errors.Is(err, errNotRegular) {
				t.Errorf("fs.ReadFile of a named pipe: %v; want it refused", err)
			}
			if zero {
				if _, err := f.ReadFile("7967/environ"); !errors.Is(err, errNotRegular) {
					t.Errorf("ReadFile of a character device: %v; want it refused", err)
				}
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("reading a named pipe in a capture hangs")
		}
	})
}
