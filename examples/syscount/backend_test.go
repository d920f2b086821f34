//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/procscope/procscope/syscallstat"
)

// runEBPF runs syscount with -backend ebpf, skipping where it cannot run.
func runEBPF(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	_, _, err := run(append([]string{"-backend", "ebpf"}, args...), strings.NewReader(""), &stdout, &stderr)
	if errors.Is(err, syscallstat.ErrEBPFUnavailable) {
		t.Skipf("eBPF backend not available here (needs root, Linux 5.8 with BTF): %v", err)
	}
	if err != nil {
		t.Fatalf("run(%q): %v\n%s", args, err, stderr.String())
	}
	return stderr.String()
}

// TestEBPFBackendMatchesStrace: -backend ebpf counts /bin/ls as strace -c -f
// does, and -seccomp-profile works with it.
func TestEBPFBackendMatchesStrace(t *testing.T) {
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not installed")
	}
	dir := t.TempDir()
	null, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	defer null.Close()
	ours := filepath.Join(dir, "ours")
	prof := filepath.Join(dir, "prof.json")
	var stderr bytes.Buffer
	_, _, err := run(append([]string{"-backend", "ebpf", "-f", "-S", "calls", "-o", ours, "-seccomp-profile", prof, "--"}, lsArgs...),
		strings.NewReader(""), null, &stderr)
	if errors.Is(err, syscallstat.ErrEBPFUnavailable) {
		t.Skipf("eBPF backend not available here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	matchesStraceLS(t, "-backend ebpf", ours, null)
	p, _ := os.ReadFile(prof)
	var profile struct{ Syscalls []struct{ Names []string } }
	if err := json.Unmarshal(p, &profile); err != nil || len(profile.Syscalls) != 1 ||
		!slices.Contains(profile.Syscalls[0].Names, "getdents64") {
		t.Errorf("profile from the eBPF backend: %s (%v)", p, err)
	}
}

func TestBackendFlag(t *testing.T) {
	// auto says which backend it took, and why. (A file, not a buffer:
	// os/exec copies the command's stderr into a buffer from a goroutine,
	// racing with syscount's own writes.)
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, _, err := run([]string{"-f", "--", "/bin/true"}, strings.NewReader(""), f, f); err != nil {
		t.Skipf("cannot trace here: %v", err)
	}
	b, _ := os.ReadFile(f.Name())
	first, _, _ := strings.Cut(string(b), "\n")
	if !strings.HasPrefix(first, "syscount: backend ebpf: ") && !strings.HasPrefix(first, "syscount: backend ptrace: ") {
		t.Errorf("auto: first line of stderr %q, want which backend and why", first)
	}
	// An explicit backend says nothing about it.
	out := runEBPF(t, "-f", "--", "/bin/true")
	if strings.Contains(out, "backend") {
		t.Errorf("-backend ebpf: stderr names the backend:\n%s", out)
	}
	if _, err := syscallstat.ParseSummary([]byte(out)); err != nil {
		t.Errorf("-backend ebpf: no table: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"-backend", "dtrace", "--", "/bin/true"},
		{"-backend", "ptrace", "-cgroup", "/sys/fs/cgroup"},
		{"-cgroup", "/sys/fs/cgroup", "-p", "1"},
	} {
		var stderr bytes.Buffer
		code, _, err := run(args, strings.NewReader(""), &stderr, &stderr)
		if err == nil || code == 0 {
			t.Errorf("run(%q) = %d, %v; want an error", args, code, err)
		}
	}
}
