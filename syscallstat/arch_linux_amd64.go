//go:build linux && amd64

package syscallstat

import "golang.org/x/sys/unix"

// nativeAudit is the AUDIT_ARCH_* value PTRACE_GET_SYSCALL_INFO reports for
// native calls; any other value (AUDIT_ARCH_I386: int 0x80 or a 32-bit
// process) is a compat call.
const nativeAudit = unix.AUDIT_ARCH_X86_64
