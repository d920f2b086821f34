package fd

import "runtime"

// The open flags that architectures number differently. The kernel prints
// f_flags in fdinfo with its own architecture's numbers; the exported
// constants have this program's (flags_*_const.go), and [List] translates a
// tree of another architecture ([proc.FS.Arch]) into them, so that an arm64
// capture reads right on amd64. All the tables use the same four bits.
type archFlags struct{ direct, largefile, directory, nofollow Flags }

var (
	// include/uapi/asm-generic/fcntl.h: amd64, 386, riscv64, s390x, loong64.
	genericFlags = archFlags{direct: 0o40000, largefile: 0o100000, directory: 0o200000, nofollow: 0o400000}
	// arch/arm64/include/uapi/asm/fcntl.h and arch/arm's.
	armFlags = archFlags{directory: 0o40000, nofollow: 0o100000, direct: 0o200000, largefile: 0o400000}
	// arch/powerpc/include/uapi/asm/fcntl.h.
	powerFlags = archFlags{directory: 0o40000, nofollow: 0o100000, largefile: 0o200000, direct: 0o400000}
)

// flagsOfArch returns the table of the architecture named as GOARCH names
// it, or nil for one whose open flags differ in more bits (mips, sparc64)
// or that this package does not know.
func flagsOfArch(arch string) *archFlags {
	switch arch {
	case "amd64", "386", "riscv64", "s390x", "loong64":
		return &genericFlags
	case "arm64", "arm":
		return &armFlags
	case "ppc64", "ppc64le":
		return &powerFlags
	}
	return nil
}

// FromArch returns f, open flags printed by a kernel of the architecture
// arch (as GOARCH names it, see [proc.FS.Arch]), in this program's numbers,
// those of the O_* constants: O_DIRECT, O_LARGEFILE, O_DIRECTORY and
// O_NOFOLLOW are numbered differently on arm64 (and arm, and ppc64) than on
// amd64. No bit is lost. [List] applies it; call it on the result of
// [ParseInfo] for an fdinfo file of a capture of another architecture. An
// architecture this package has no table for returns f unchanged.
func (f Flags) FromArch(arch string) Flags {
	from, to := flagsOfArch(arch), flagsOfArch(runtime.GOARCH)
	if from == nil || to == nil || from == to {
		return f
	}
	out := f &^ (from.direct | from.largefile | from.directory | from.nofollow)
	for _, p := range [...][2]Flags{
		{from.direct, to.direct}, {from.largefile, to.largefile},
		{from.directory, to.directory}, {from.nofollow, to.nofollow},
	} {
		if f&p[0] != 0 {
			out |= p[1]
		}
	}
	return out
}
