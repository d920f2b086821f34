package proc

import (
	"strconv"
	"strings"
)

// CapSet is a capability set as printed in status (CapEff and friends):
// bit n stands for capability n.
type CapSet uint64

// capNames are the kernel's capability names (include/uapi/linux/capability.h),
// indexed by number; caps_test.go checks each against golang.org/x/sys/unix.
var capNames = [...]string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
	"CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
	"CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
	"CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
}

// CapName returns the name of capability n, such as "CAP_SYS_ADMIN", or
// "CAP_n" for a number this package does not know.
func CapName(n int) string {
	if n >= 0 && n < len(capNames) {
		return capNames[n]
	}
	return "CAP_" + strconv.Itoa(n)
}

// Has reports whether capability n is in the set.
func (c CapSet) Has(n int) bool { return n >= 0 && n < 64 && c&(1<<n) != 0 }

// Names returns the names of the capabilities in the set, lowest first.
func (c CapSet) Names() []string {
	var names []string
	for n := 0; n < 64; n++ {
		if c.Has(n) {
			names = append(names, CapName(n))
		}
	}
	return names
}

// String returns the set as status prints it: 16 hex digits.
func (c CapSet) String() string {
	s := strconv.FormatUint(uint64(c), 16)
	return strings.Repeat("0", 16-len(s)) + s
}
