package proc

import (
	"bytes"
	"strings"

	"github.com/procscope/procscope/internal/num"
)

// procfs's GetProcMounts reads a path (not an fs.FS or a capture) through
// its 1 MiB read cap and leaves mount points escaped; ParseMountInfo
// decodes the kernel's octal escapes in every field.

// Mount is one line of /proc/PID/mountinfo: a mount in the process's mount
// namespace. Paths and options are decoded from the kernel's \ooo escapes
// (of blank, tab, newline and backslash), so they hold the raw bytes of
// the name. See proc_pid_mountinfo(5).
type Mount struct {
	ID       int    // unique mount ID (fdinfo's mnt_id)
	ParentID int    // the parent mount's ID; itself for the root of the tree
	Major    uint32 // st_dev of files on the mount
	Minor    uint32
	// Root is the directory of the file system mounted at MountPoint
	// ("/" unless a bind mount of a subdirectory).
	Root       string
	MountPoint string // relative to the process's root directory
	// Options are the per-mount options ("rw", "nosuid", "relatime").
	Options []string
	// Optional are the optional fields: "shared:N", "master:N",
	// "propagate_from:N", "unbindable".
	Optional []string
	FSType   string // "ext4", "fuse.sshfs"
	Source   string // file-system-specific, such as "/dev/sda1" or "none"
	// SuperOptions are the per-superblock options.
	SuperOptions []string
}

// Dev returns Major and Minor as the kernel's 64-bit dev_t encoding
// (glibc's makedev), the encoding of stat(2)'s st_dev.
func (m Mount) Dev() uint64 { return mkdev(m.Major, m.Minor) }

// mkdev encodes a device number as glibc's makedev does.
func mkdev(major, minor uint32) uint64 {
	return uint64(major&0xfffff000)<<32 | uint64(major&0xfff)<<8 |
		uint64(minor&0xffffff00)<<12 | uint64(minor&0xff)
}

// ParseMountInfo parses the content of a mountinfo file, one [Mount] per
// line in the kernel's order:
// "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS".
func ParseMountInfo(b []byte) ([]Mount, error) {
	ms := make([]Mount, 0, bytes.Count(b, []byte{'\n'}))
	for n := 1; len(b) > 0; n++ {
		line, rest, ok := bytes.Cut(b, []byte{'\n'})
		if !ok {
			return nil, parseErr(lineField(n, "line"), string(line), errTruncated)
		}
		b = rest
		m, err := parseMountLine(line)
		if err != nil {
			return nil, atLine(err, n)
		}
		ms = append(ms, m)
	}
	return ms, nil
}

func parseMountLine(line []byte) (Mount, error) {
	var m Mount
	f := fieldScanner{rest: line}
	var id, parent int64
	f.int64(&id, "mount ID")
	f.int64(&parent, "parent ID")
	dev := f.token("major:minor")
	root := f.token("root")
	mp := f.token("mount point")
	opts := f.token("mount options")
	if f.err != nil {
		return Mount{}, f.err
	}
	if id < 0 || id > 1<<31-1 || parent < 0 || parent > 1<<31-1 {
		return Mount{}, parseErr("mount ID", string(line), errSyntax)
	}
	m.ID, m.ParentID = int(id), int(parent)
	maj, min, ok := bytes.Cut(dev, []byte{':'})
	x, ok1 := num.Uint(maj)
	y, ok2 := num.Uint(min)
	if !ok || !ok1 || !ok2 || x > 1<<32-1 || y > 1<<32-1 {
		return Mount{}, parseErr("major:minor", string(dev), errSyntax)
	}
	m.Major, m.Minor = uint32(x), uint32(y)
	m.Root, m.MountPoint = unescapeOctal(root), unescapeOctal(mp)
	m.Options = splitOptions(opts)
	for {
		v := f.next()
		if len(v) == 0 {
			return Mount{}, parseErr("separator", string(line), errTruncated)
		}
		if string(v) == "-" {
			break
		}
		m.Optional = append(m.Optional, string(v))
	}
	fstype := f.token("file system type")
	source := f.token("source")
	super := f.token("super options")
	if f.err != nil {
		return Mount{}, f.err
	}
	m.FSType, m.Source = unescapeOctal(fstype), unescapeOctal(source)
	m.SuperOptions = splitOptions(super)
	return m, nil
}

// splitOptions splits a comma-separated option list. The kernel escapes a
// comma inside an option's value, so each option is decoded after the
// split.
func splitOptions(b []byte) []string {
	opts := strings.Split(string(b), ",")
	for i, o := range opts {
		opts[i] = unescapeOctal([]byte(o))
	}
	return opts
}

// unescapeOctal undoes the kernel's \ooo escaping (seq_escape, mangle) in
// mountinfo fields. A backslash not followed by three octal digits is kept
// as it is.
func unescapeOctal(b []byte) string {
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+3 < len(b) && isOctal(b[i+1]) && isOctal(b[i+2]) && isOctal(b[i+3]) && b[i+1] <= '3' {
			out = append(out, (b[i+1]-'0')<<6|(b[i+2]-'0')<<3|(b[i+3]-'0'))
			i += 3
			continue
		}
		out = append(out, b[i])
	}
	return string(out)
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

func readMountInfo(f *FS, name string) (ms []Mount, err error) {
	err = f.parseFile(name, func(b []byte) error {
		ms, err = ParseMountInfo(b)
		return err
	})
	return ms, err
}
