//go:build !arm64

package fd

// Flag bits from include/uapi/asm-generic/fcntl.h, used by amd64.
const (
	O_DIRECT    Flags = 0o40000
	O_LARGEFILE Flags = 0o100000
	O_DIRECTORY Flags = 0o200000
	O_NOFOLLOW  Flags = 0o400000
)
