//go:build linux && (amd64 || arm64)

package syscallstat

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

func TestKernelError(t *testing.T) {
	for _, c := range []struct {
		maj, minor int
		btf        bool
		want       string // "" for nil
	}{
		{4, 19, true, "needs Linux 5.8 or later"},
		{5, 4, true, "needs Linux 5.8 or later"},
		{5, 8, false, "has no BTF"},
		{5, 8, true, ""},
		{6, 18, true, ""},
	} {
		err := kernelError(c.maj, c.minor, "x.y-test", c.btf)
		if c.want == "" {
			if err != nil {
				t.Errorf("%d.%d btf=%v: %v", c.maj, c.minor, c.btf, err)
			}
			continue
		}
		if !errors.Is(err, errors.ErrUnsupported) || !errors.Is(err, ErrEBPFUnavailable) || !strings.Contains(err.Error(), c.want) ||
			!strings.Contains(err.Error(), "x.y-test") {
			t.Errorf("%d.%d btf=%v: %v, want ErrUnsupported naming %q and the release", c.maj, c.minor, c.btf, err, c.want)
		}
	}
}

// TestVerifierLogInError: a program the verifier rejects gives an error
// that matches ErrEBPFUnavailable and holds the whole verifier log.
func TestVerifierLogInError(t *testing.T) {
	if err := checkEBPF(); err != nil {
		t.Skipf("eBPF backend not available here: %v", err)
	}
	// Returns without setting R0: rejected ("R0 !read_ok").
	_, err := ebpf.NewProgram(&ebpf.ProgramSpec{Type: ebpf.RawTracepoint, License: "GPL",
		Instructions: asm.Instructions{asm.Return()}})
	if err == nil {
		t.Fatal("the verifier accepted a program that returns nothing")
	}
	got := loadError(err)
	if !errors.Is(got, ErrEBPFUnavailable) || !strings.Contains(got.Error(), "R0 !read_ok") ||
		!strings.Contains(got.Error(), "processed 1 insns") || errors.Is(got, fs.ErrPermission) {
		t.Errorf("loadError = %v, want ErrEBPFUnavailable with the verifier's log", got)
	}
}
