//go:build !arm64 && !arm && !ppc64 && !ppc64le

package fd

// Flag bits from include/uapi/asm-generic/fcntl.h, used by amd64 (and 386,
// riscv64, s390x, loong64).
const (
	O_DIRECT    Flags = 0o40000
	O_LARGEFILE Flags = 0o100000
	O_DIRECTORY Flags = 0o200000
	O_NOFOLLOW  Flags = 0o400000
)
