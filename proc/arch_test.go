package proc

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
)

func TestGoarchOfMachine(t *testing.T) {
	for m, want := range map[string]string{
		"x86_64": "amd64", "i686": "386", "i386": "386", "aarch64": "arm64", "armv7l": "arm",
		"ppc64le": "ppc64le", "riscv64": "riscv64", "s390x": "s390x", "loongarch64": "loong64",
		"mips64": "", "": "", "x86": "",
	} {
		if got := goarchOfMachine(m); got != want {
			t.Errorf("goarchOfMachine(%q) = %q, want %q", m, got, want)
		}
	}
}

// TestArch: the live /proc is of the architecture uname -m names, a capture
// of the one it recorded, and a capture that recorded none (every fixture
// captured before captures recorded it) or a plain fs.FS of the running
// kernel's.
func TestArch(t *testing.T) {
	want := runtime.GOARCH
	if out, err := exec.Command("uname", "-m").Output(); err != nil {
		t.Logf("uname -m: %v; comparing with runtime.GOARCH", err)
	} else if a := goarchOfMachine(strings.TrimSpace(string(out))); a != "" {
		want = a
	}
	if got := Default().Arch(); got != want {
		t.Errorf("Default().Arch() = %q, want %q (uname -m)", got, want)
	}
	old, err := NewDir("../internal/fixtures/testdata/shell")
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := old.CaptureInfo(); c == nil || c.Arch != "" || old.Arch() != want {
		t.Errorf("capture without arch: CaptureInfo %+v, Arch() = %q; want none recorded, read as %q", c, old.Arch(), want)
	}
	marked := New(fstest.MapFS{CaptureFile: {Data: []byte(`{"time":"2026-01-01T00:00:00Z","arch":"arm64","pids":[]}`)}})
	if got := marked.Arch(); got != "arm64" {
		t.Errorf("capture marked arm64: Arch() = %q", got)
	}
	if got := New(fstest.MapFS{}).Arch(); got != want {
		t.Errorf("MapFS: Arch() = %q, want %q", got, want)
	}
}

// TestCaptureRecordsArch: a capture records the kernel's architecture, reads
// back as of it, and refuses processes added from a kernel of another.
func TestCaptureRecordsArch(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	info, err := Capture(dir, Default(), []int{os.Getpid()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if info.Arch != hostArch() || info.Arch == "" {
		t.Errorf("CaptureInfo.Arch = %q, want %q", info.Arch, hostArch())
	}
	back, err := NewDir(dir)
	if err != nil || back.Arch() != hostArch() {
		t.Fatalf("read back: %v, Arch %q", err, back.Arch())
	}
	other := "arm64"
	if hostArch() == "arm64" {
		other = "amd64"
	}
	info.Arch = other
	b, _ := json.Marshal(info)
	if err := os.WriteFile(filepath.Join(dir, CaptureFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Capture(dir, Default(), []int{1}, &CaptureOptions{Add: true})
	if err == nil || !strings.Contains(err.Error(), "arch "+other) {
		t.Errorf("adding to an %s capture on %s: %v; want an error naming both", other, hostArch(), err)
	}
}
