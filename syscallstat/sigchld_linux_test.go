//go:build linux && (amd64 || arm64)

package syscallstat

import (
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

func sigchldFlags(t *testing.T) uint64 {
	var sa kernelSigaction
	if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(syscall.SIGCHLD), 0,
		uintptr(unsafe.Pointer(&sa)), 8, 0, 0); e != 0 {
		t.Fatal(e)
	}
	return sa.Flags
}

// TestQuietSIGCHLD: SA_NOCLDSTOP is set while a trace runs (counted by
// users) and the handler's flags are restored after the last one.
func TestQuietSIGCHLD(t *testing.T) {
	before := sigchldFlags(t)
	if before&saNOCLDSTOP != 0 {
		t.Skip("SA_NOCLDSTOP already set")
	}
	quietSIGCHLD(true)
	quietSIGCHLD(true)
	if sigchldFlags(t)&saNOCLDSTOP == 0 {
		t.Error("SA_NOCLDSTOP not set during a trace")
	}
	quietSIGCHLD(false)
	if sigchldFlags(t)&saNOCLDSTOP == 0 {
		t.Error("SA_NOCLDSTOP cleared while a trace still runs")
	}
	quietSIGCHLD(false)
	if got := sigchldFlags(t); got != before {
		t.Errorf("flags %#x after the traces, want %#x", got, before)
	}
}
