package fd

import (
	"strconv"
	"strings"
)

// procfs parses mountinfo only behind GetProcMounts(pid), which reads a path
// (not an fs.FS or a capture) through its 1 MiB read cap and leaves mount
// points escaped; this parser reads the bytes proc.FS gives it.

// mountEntry is the part of a /proc/PID/mountinfo line that Holders needs.
type mountEntry struct {
	ID         int    // mount ID, as in fdinfo's mnt_id
	Dev        uint64 // major:minor as the kernel's encoded dev_t
	MountPoint string // unescaped (\040 becomes a blank)
	FSType     string
}

// parseMountInfo parses /proc/PID/mountinfo:
// "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER".
func parseMountInfo(b []byte) ([]mountEntry, error) {
	var ms []mountEntry
	for lineNo := 1; len(b) > 0; lineNo++ {
		var line []byte
		line, b, _ = cutLine(b)
		if len(line) == 0 {
			continue
		}
		f := fieldScanner{b: line}
		var m mountEntry
		m.ID = int(f.decSigned("mount ID", 32))
		f.skip(1) // parent
		m.Dev = f.dev("major:minor", decUint)
		f.skip(1) // root
		mp := f.field()
		f.check(len(mp) > 0, "mount point", mp)
		if f.err != nil {
			return nil, lineErr(f.err, lineNo)
		}
		m.MountPoint = unescapeOctal(string(mp))
		for {
			v := f.next()
			if len(v) == 0 || string(v) == "-" {
				break
			}
		}
		m.FSType = string(f.next())
		ms = append(ms, m)
	}
	return ms, nil
}

// mkdev encodes a device number as the kernel's 64-bit dev_t does
// (glibc's makedev), the encoding of stat's st_dev.
func mkdev(major, minor uint32) uint64 {
	return uint64(major&0xfffff000)<<32 | uint64(major&0xfff)<<8 |
		uint64(minor&0xffffff00)<<12 | uint64(minor&0xff)
}

// unescapeOctal undoes the kernel's \ooo escaping of blanks, tabs,
// newlines and backslashes in mountinfo paths.
func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				sb.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}
