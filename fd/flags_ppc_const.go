//go:build ppc64 || ppc64le

package fd

// Flag bits that differ on ppc64 (arch/powerpc/include/uapi/asm/fcntl.h).
const (
	O_DIRECTORY Flags = 0o40000
	O_NOFOLLOW  Flags = 0o100000
	O_LARGEFILE Flags = 0o200000
	O_DIRECT    Flags = 0o400000
)
