//go:build !linux || !(amd64 || arm64)

package syscallstat

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"syscall"
)

// Tracer is one running trace; tracing needs Linux on amd64 or arm64.
type Tracer struct{}

var errUnsupported = fmt.Errorf("syscallstat: tracing needs linux/amd64 or linux/arm64: %w", errors.ErrUnsupported)

// Start fails with an error wrapping errors.ErrUnsupported.
func Start(cmd *exec.Cmd, opts *Options) (*Tracer, error) { return nil, errUnsupported }

// Attach fails with an error wrapping errors.ErrUnsupported.
func Attach(pid int, opts *Options) (*Tracer, error) { return nil, errUnsupported }

// Wait fails with an error wrapping errors.ErrUnsupported.
func (t *Tracer) Wait(ctx context.Context) (*Summary, error) { return nil, errUnsupported }

// Close does nothing.
func (t *Tracer) Close() error { return nil }

// Cancel does nothing.
func (t *Tracer) Cancel(sig syscall.Signal) {}

// PID returns 0.
func (t *Tracer) PID() int { return 0 }

// SyscallName returns "syscall_NNN": there are no tables here.
func SyscallName(abi ABI, nr int) string { return "syscall_" + strconv.Itoa(nr) }

// SyscallNumber knows no names here.
func SyscallNumber(abi ABI, name string) (int, bool) { return 0, false }

// WriteProfile fails with an error wrapping errors.ErrUnsupported.
func WriteProfile(path string, t Table, opts *ProfileOptions) error { return errUnsupported }
