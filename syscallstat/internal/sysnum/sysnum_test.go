//go:build linux && (amd64 || arm64)

package sysnum

import (
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestTableAgainstUnix(t *testing.T) {
	tests := []struct {
		nr   int
		want string
	}{
		{unix.SYS_READ, "read"},
		{unix.SYS_WRITE, "write"},
		{unix.SYS_OPENAT, "openat"},
		{unix.SYS_NEWFSTATAT, "newfstatat"}, // fstatat on arm64's kernel headers, newfstatat in strace
		{unix.SYS_PREAD64, "pread64"},
		{unix.SYS_FADVISE64, "fadvise64"},
		{unix.SYS_EXIT_GROUP, "exit_group"},
		{unix.SYS_CLONE3, "clone3"},
		{99999, "syscall_99999"},
		{-1, "syscall_-1"},
	}
	for _, tt := range tests {
		if got := Name(tt.nr); got != tt.want {
			t.Errorf("Name(%d) = %q, want %q", tt.nr, got, tt.want)
		}
		if tt.nr >= 0 && tt.nr < NativeMax {
			if nr, ok := Number(tt.want); !ok || nr != tt.nr {
				t.Errorf("Number(%q) = %d, %v; want %d", tt.want, nr, ok, tt.nr)
			}
		}
	}
	if runtime.GOARCH == "amd64" {
		// i386: getppid is 64, _llseek 140, mmap2 192.
		for nr, want := range map[int]string{64: "getppid", 140: "_llseek", 192: "mmap2", 300: "fstatat64"} {
			if got := CompatName(nr); got != want {
				t.Errorf("CompatName(%d) = %q, want %q", nr, got, want)
			}
		}
	}
	if _, ok := Number("arch_specific_syscall"); ok {
		t.Error("marker constant named as a syscall")
	}
}

// TestNamesKnownToStrace passes every native name strace 6.1 can know
// (numbers up to its newest call) to strace -e trace=, which rejects any
// name it does not have.
func TestNamesKnownToStrace(t *testing.T) {
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not installed")
	}
	last, ok := Number("set_mempolicy_home_node") // strace 6.1's newest call
	if !ok {
		t.Fatal("set_mempolicy_home_node is not in the table")
	}
	var names []string
	for _, name := range nativeNames[:last+1] {
		// uretprobe and uprobe (Linux 6.11, 6.13) took numbers in a
		// hole below strace 6.1's newest call.
		if name != "" && name != "uretprobe" && name != "uprobe" {
			names = append(names, name)
		}
	}
	out, err := exec.Command("strace", "-qq", "-e", "trace="+strings.Join(names, ","), "true").CombinedOutput()
	if err != nil {
		t.Errorf("strace rejects one of our names: %v\n%s", err, out)
	}
}
