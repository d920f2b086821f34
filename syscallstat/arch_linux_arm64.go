//go:build linux && arm64

package syscallstat

import "golang.org/x/sys/unix"

// nativeAudit is the AUDIT_ARCH_* value PTRACE_GET_SYSCALL_INFO reports for
// native calls; any other value (AUDIT_ARCH_ARM: an AArch32 process) is a
// compat call.
const nativeAudit = unix.AUDIT_ARCH_AARCH64
