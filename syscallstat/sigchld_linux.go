//go:build linux && (amd64 || arm64)

package syscallstat

import (
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Quieting SIGCHLD ([Options.QuietSIGCHLD]). SA_NOCLDSTOP on the handler
// makes the kernel skip the SIGCHLD it sends for every stop of a child,
// ptrace stops included (wait4 is still woken); exits still send it. The Go
// runtime installs its SIGCHLD handler once at start-up and sets it again
// only for signal.Ignore or signal.Reset, so a read, modify and write of the
// flags under our own lock keeps the runtime's handler; at the end the flag
// is cleared only if the handler is still the one we marked.
var sigchld struct {
	sync.Mutex
	users   int
	handler uintptr // the handler we set SA_NOCLDSTOP on, or 0
}

// kernelSigaction is the kernel's struct sigaction on amd64 and arm64.
type kernelSigaction struct {
	Handler  uintptr
	Flags    uint64
	Restorer uintptr
	Mask     uint64
}

// saNOCLDSTOP is SA_NOCLDSTOP of <asm/signal.h>, the same on amd64 and
// arm64 (x/sys/unix does not define it).
const saNOCLDSTOP = 1

func getSIGCHLD() (sa kernelSigaction, ok bool) {
	_, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(syscall.SIGCHLD), 0,
		uintptr(unsafe.Pointer(&sa)), unsafe.Sizeof(sa.Mask), 0, 0)
	return sa, e == 0
}

func setSIGCHLD(sa *kernelSigaction) {
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(syscall.SIGCHLD),
		uintptr(unsafe.Pointer(sa)), 0, unsafe.Sizeof(sa.Mask), 0, 0)
}

// quietSIGCHLD counts the traces that asked for SA_NOCLDSTOP: the first
// sets it on a real handler (not SIG_DFL or SIG_IGN) that lacks it, the
// last clears it again.
func quietSIGCHLD(on bool) {
	sigchld.Lock()
	defer sigchld.Unlock()
	if on {
		sigchld.users++
		if sigchld.users > 1 {
			return
		}
		sa, ok := getSIGCHLD()
		if !ok || sa.Handler <= 1 /* SIG_DFL, SIG_IGN */ || sa.Flags&saNOCLDSTOP != 0 {
			return
		}
		sa.Flags |= saNOCLDSTOP
		setSIGCHLD(&sa)
		sigchld.handler = sa.Handler
		return
	}
	sigchld.users--
	if sigchld.users > 0 || sigchld.handler == 0 {
		return
	}
	if sa, ok := getSIGCHLD(); ok && sa.Handler == sigchld.handler && sa.Flags&saNOCLDSTOP != 0 {
		sa.Flags &^= saNOCLDSTOP
		setSIGCHLD(&sa)
	}
	sigchld.handler = 0
}
