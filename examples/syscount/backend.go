//go:build linux

package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/procscope/procscope/syscallstat"
)

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// startBackend starts the trace with the backend named by -backend: ebpf,
// ptrace, or auto, which tries eBPF and falls back to ptrace when the eBPF
// backend cannot run here (capabilities, kernel, pid namespace, verifier),
// saying on stderr which it took and why (a second line if eBPF passed the
// checks but failed to load). begin must not have started
// anything when it fails with syscallstat.ErrEBPFUnavailable (Start and
// Attach check and load before they launch or mark anything).
func startBackend(name string, opts *syscallstat.Options, begin func() (*syscallstat.Tracer, error), stderr io.Writer) (*syscallstat.Tracer, error) {
	if name != "auto" {
		b, err := syscallstat.ParseBackend(name)
		if err != nil {
			return nil, err
		}
		if opts.Cgroup != "" && b != syscallstat.EBPF {
			return nil, errors.New("-cgroup needs the ebpf backend")
		}
		opts.Backend = b
		return begin()
	}
	// The line is written before anything starts: the command shares
	// stderr.
	if err := syscallstat.CheckEBPF(); err != nil {
		fmt.Fprintf(stderr, "syscount: backend ptrace: %v\n", err)
		opts.Backend = syscallstat.Ptrace
		return begin()
	}
	fmt.Fprintln(stderr, "syscount: backend ebpf: the kernel and our capabilities allow it (-backend ptrace to stop at each call instead)")
	opts.Backend = syscallstat.EBPF
	tr, err := begin()
	if err == nil || !errors.Is(err, syscallstat.ErrEBPFUnavailable) || opts.Cgroup != "" {
		return tr, err
	}
	// Refused after the check (a seccomp filter on bpf(2), lockdown, the
	// verifier): nothing was started.
	fmt.Fprintf(stderr, "syscount: backend ptrace after all: %v\n", err)
	opts.Backend = syscallstat.Ptrace
	return begin()
}
