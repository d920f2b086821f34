package fd

import (
	"strconv"
	"strings"
)

// Flags is the flags field of /proc/PID/fdinfo/N: the open file's f_flags
// with O_CLOEXEC added when the descriptor has close-on-exec set. Every bit
// the kernel printed is kept; [Flags.String] names the known ones. The
// numbers are those of the architecture this program is built for (the O_*
// constants'): [List] translates the flags of a tree of another
// architecture, such as an arm64 capture read on amd64 ([Flags.FromArch]).
type Flags uint32

// AccessMode is the O_ACCMODE part of [Flags].
type AccessMode uint8

// Access modes, the values of O_RDONLY, O_WRONLY and O_RDWR.
const (
	ReadOnly  AccessMode = 0
	WriteOnly AccessMode = 1
	ReadWrite AccessMode = 2
	// NoAccess is the mode of an fd open for neither (O_PATH, or the
	// access mode 3 some drivers use for ioctl-only opens).
	NoAccess AccessMode = 3
	// ModeUnknown is the mode of an [FD] listed without reading it
	// ([Options.NoMode]).
	ModeUnknown AccessMode = 0xff
)

// String returns "r", "w" or "u" (lsof's letters for read, write and
// read-write), "?" for [NoAccess] and "" for [ModeUnknown].
func (m AccessMode) String() string {
	switch m {
	case ReadOnly:
		return "r"
	case WriteOnly:
		return "w"
	case ReadWrite:
		return "u"
	case ModeUnknown:
		return ""
	}
	return "?"
}

// AccessMode returns the O_ACCMODE bits of f.
func (f Flags) AccessMode() AccessMode { return AccessMode(f & 3) }

// Has reports whether all bits of mask are set in f.
func (f Flags) Has(mask Flags) bool { return f&mask == mask }

// Open flag bits as the kernel defines them (octal, as fdinfo prints them).
// O_DIRECT, O_LARGEFILE, O_DIRECTORY and O_NOFOLLOW differ between amd64
// and arm64: their constants have the numbers of the architecture this
// program is built for, and [Flags.FromArch] translates another's.
const (
	O_CREAT    Flags = 0o100
	O_EXCL     Flags = 0o200
	O_NOCTTY   Flags = 0o400
	O_TRUNC    Flags = 0o1000
	O_APPEND   Flags = 0o2000
	O_NONBLOCK Flags = 0o4000
	O_DSYNC    Flags = 0o10000
	O_ASYNC    Flags = 0o20000 // FASYNC
	O_NOATIME  Flags = 0o1000000
	O_CLOEXEC  Flags = 0o2000000
	O_SYNC     Flags = 0o4000000 | O_DSYNC
	O_PATH     Flags = 0o10000000
	O_TMPFILE  Flags = 0o20000000 | O_DIRECTORY
)

// flagNames lists the named bits in the order String prints them. O_SYNC
// and O_TMPFILE include another flag's bit and are matched as a whole
// before it.
var flagNames = []struct {
	bit  Flags
	name string
}{
	{O_CREAT, "O_CREAT"},
	{O_EXCL, "O_EXCL"},
	{O_NOCTTY, "O_NOCTTY"},
	{O_TRUNC, "O_TRUNC"},
	{O_APPEND, "O_APPEND"},
	{O_NONBLOCK, "O_NONBLOCK"},
	{O_SYNC, "O_SYNC"},
	{O_DSYNC, "O_DSYNC"},
	{O_ASYNC, "O_ASYNC"},
	{O_DIRECT, "O_DIRECT"},
	{O_LARGEFILE, "O_LARGEFILE"},
	{O_TMPFILE, "O_TMPFILE"},
	{O_DIRECTORY, "O_DIRECTORY"},
	{O_NOFOLLOW, "O_NOFOLLOW"},
	{O_NOATIME, "O_NOATIME"},
	{O_CLOEXEC, "O_CLOEXEC"},
	{O_PATH, "O_PATH"},
}

// Names returns the names of the set flags, the access mode first
// (O_RDONLY, O_WRONLY, O_RDWR, or O_ACCMODE for the value 3), then every
// known bit, then any unknown remainder as an octal number such as
// "040000000". Nothing is dropped: OR-ing the names' values gives f back.
func (f Flags) Names() []string {
	names := []string{[...]string{"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"}[f&3]}
	rest := f &^ 3
	for _, n := range flagNames {
		if rest&n.bit == n.bit {
			names = append(names, n.name)
			rest &^= n.bit
		}
	}
	if rest != 0 {
		names = append(names, "0"+strconv.FormatUint(uint64(rest), 8))
	}
	return names
}

// String joins [Flags.Names] with "|", e.g. "O_RDWR|O_APPEND|O_CLOEXEC".
func (f Flags) String() string { return strings.Join(f.Names(), "|") }
