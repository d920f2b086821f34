package syscallstat

import (
	"errors"
	"fmt"
	"strings"
)

// Backend chooses how a trace counts: with ptrace (the default) or with
// eBPF programs in the kernel. See the package documentation.
type Backend uint8

const (
	// Ptrace stops the program at every traced call, as strace does.
	Ptrace Backend = iota
	// EBPF counts in the kernel without stopping the program (Linux 5.8
	// with BTF, CAP_BPF and CAP_PERFMON or CAP_SYS_ADMIN).
	EBPF
)

// String returns "ptrace" or "ebpf".
func (b Backend) String() string {
	switch b {
	case Ptrace:
		return "ptrace"
	case EBPF:
		return "ebpf"
	}
	return fmt.Sprintf("backend(%d)", uint8(b))
}

// ParseBackend accepts "ptrace" and "ebpf" (any case).
func ParseBackend(s string) (Backend, error) {
	switch strings.ToLower(s) {
	case "ptrace":
		return Ptrace, nil
	case "ebpf", "bpf":
		return EBPF, nil
	}
	return 0, fmt.Errorf("syscallstat: unknown backend %q (want ptrace or ebpf)", s)
}

// ErrEBPFUnavailable is matched, besides fs.ErrPermission or
// errors.ErrUnsupported, by the errors of [Start] and [Attach] with the
// [EBPF] backend that mean it cannot run here: missing capabilities, a
// kernel without what the programs need, a pid namespace, a verifier
// rejection. A caller may fall back to [Ptrace] on it (syscount's -backend
// auto does).
var ErrEBPFUnavailable = errors.New("syscallstat: eBPF backend unavailable")

// Lost counts what the eBPF backend could not count, so that nothing is
// dropped silently. It is always zero with ptrace.
type Lost struct {
	// Calls not counted at all: the statistics map was full, or the
	// call's number could not be read.
	Calls uint64
	// Calls counted without their time: the map of entry times was full.
	Times uint64
	// New processes not followed: the map of traced processes was full.
	Processes uint64
	// Program runs the kernel skipped because another eBPF program was
	// running on the CPU (Linux 5.12+ reports them): each may be a call
	// not counted or not timed, or a process event missed.
	RecursionMisses uint64
}

// Zero reports whether nothing was lost.
func (l Lost) Zero() bool { return l == Lost{} }

// String describes l in one line.
func (l Lost) String() string {
	return fmt.Sprintf("%d calls not counted, %d calls without time, %d processes not followed, %d program runs skipped",
		l.Calls, l.Times, l.Processes, l.RecursionMisses)
}
