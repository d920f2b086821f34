package proc

import (
	"bytes"

	"github.com/procscope/procscope/internal/num"
)

// procfs's ProcMaps parses through strings and a bufio.Scanner, and keeps
// permissions as a struct of five bools but the device as one number in
// the old 16-bit encoding; ParseMaps keeps major and minor.

// Map is one line of /proc/PID/maps: a mapped region of the process's
// address space.
type Map struct {
	Start, End uint64 // [Start, End)
	Perms      MapPerms
	Offset     uint64 // offset in the file
	Major      uint32 // device of the file; 0:0 for anonymous memory
	Minor      uint32
	Inode      uint64
	// Path is the name as the kernel printed it: a file's path (a newline
	// in it printed as \012, and " (deleted)" appended when the file is
	// gone, both ambiguous with the same text in a real name, so left as
	// they are), a pseudo name such as "[heap]", "[stack]", "[vdso]" or
	// "[anon:NAME]", or "" for anonymous memory.
	Path string
}

// Dev returns Major and Minor as the kernel's 64-bit dev_t encoding, the
// encoding of stat(2)'s st_dev.
func (m Map) Dev() uint64 { return mkdev(m.Major, m.Minor) }

// Size returns End-Start in bytes.
func (m Map) Size() uint64 { return m.End - m.Start }

// MapPerms are a mapping's permissions: the "rwxp" or "rwxs" column.
type MapPerms struct {
	Read, Write, Exec bool
	Shared            bool // 's': shared; 'p': private (copy on write)
}

// String returns the permissions as maps shows them, such as "r-xp".
func (p MapPerms) String() string {
	b := []byte("---p")
	if p.Read {
		b[0] = 'r'
	}
	if p.Write {
		b[1] = 'w'
	}
	if p.Exec {
		b[2] = 'x'
	}
	if p.Shared {
		b[3] = 's'
	}
	return string(b)
}

// ParseMaps parses the content of a maps file, one [Map] per line in the
// kernel's (address) order:
// "START-END PERMS OFFSET MAJ:MIN INODE [PATH]", numbers in hex but the inode.
func ParseMaps(b []byte) ([]Map, error) {
	ms := make([]Map, 0, bytes.Count(b, []byte{'\n'}))
	for n := 1; len(b) > 0; n++ {
		line, rest, ok := bytes.Cut(b, []byte{'\n'})
		if !ok {
			return nil, parseErr(lineField(n, "line"), string(line), errTruncated)
		}
		b = rest
		m, err := parseMapsLine(line)
		if err != nil {
			return nil, atLine(err, n)
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// parseMapsLine parses one line of maps (or the header of smaps_rollup).
func parseMapsLine(line []byte) (Map, error) {
	var m Map
	f := fieldScanner{rest: line}
	addr := f.token("address")
	perms := f.token("perms")
	off := f.token("offset")
	dev := f.token("dev")
	ino := f.token("inode")
	if f.err != nil {
		return Map{}, f.err
	}
	start, end, ok := bytes.Cut(addr, []byte{'-'})
	var ok1, ok2 bool
	m.Start, ok1 = num.Hex(start, 64)
	m.End, ok2 = num.Hex(end, 64)
	if !ok || !ok1 || !ok2 || m.End < m.Start {
		return Map{}, parseErr("address", string(addr), errSyntax)
	}
	if len(perms) != 4 || !permOK(perms[0], 'r') || !permOK(perms[1], 'w') || !permOK(perms[2], 'x') || perms[3] != 'p' && perms[3] != 's' {
		return Map{}, parseErr("perms", string(perms), errSyntax)
	}
	m.Perms = MapPerms{Read: perms[0] == 'r', Write: perms[1] == 'w', Exec: perms[2] == 'x', Shared: perms[3] == 's'}
	if m.Offset, ok = num.Hex(off, 64); !ok {
		return Map{}, parseErr("offset", string(off), errSyntax)
	}
	maj, min, ok := bytes.Cut(dev, []byte{':'})
	x, ok1 := num.Hex(maj, 32)
	y, ok2 := num.Hex(min, 32)
	if !ok || !ok1 || !ok2 {
		return Map{}, parseErr("dev", string(dev), errSyntax)
	}
	m.Major, m.Minor = uint32(x), uint32(y)
	if m.Inode, ok = num.Uint(ino); !ok {
		return Map{}, parseErr("inode", string(ino), errSyntax)
	}
	// The kernel pads with blanks before the name; a name never starts
	// with one ("/", "[" or, for memfd, "/memfd:").
	m.Path = string(bytes.TrimLeft(f.rest, " "))
	return m, nil
}

func permOK(c, want byte) bool { return c == want || c == '-' }

func readMaps(f *FS, name string) (ms []Map, err error) {
	err = f.parseFile(name, func(b []byte) error {
		ms, err = ParseMaps(b)
		return err
	})
	return ms, err
}
