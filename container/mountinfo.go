package container

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/procscope/procscope/proc"
)

// Mount is one line of /proc/PID/mountinfo, with the kernel's octal escapes
// (\040 for a space, ...) decoded.
type Mount struct {
	ID, Parent   int
	Major, Minor uint32
	Root         string // the path inside the file system that is mounted
	MountPoint   string // where, in the process's mount namespace
	Options      string // per-mount options: rw or ro first
	FSType       string
	Source       string
}

// ReadOnly reports whether the mount's per-mount options say ro.
func (m Mount) ReadOnly() bool {
	first, _, _ := strings.Cut(m.Options, ",")
	return first == "ro"
}

// parseMountinfo parses /proc/PID/mountinfo.
func parseMountinfo(b []byte) ([]Mount, error) {
	if len(b) > 0 && b[len(b)-1] != '\n' {
		return nil, &proc.ParseError{Field: "mountinfo", Value: lastLine(b), Err: errTruncated}
	}
	var out []Mount
	for line := range bytes.Lines(b) {
		line = line[:len(line)-1]
		f := strings.Fields(string(line))
		sep := -1
		for i := 6; i < len(f); i++ {
			if f[i] == "-" {
				sep = i
				break
			}
		}
		if len(f) < 10 || sep < 0 || len(f) < sep+3 {
			return nil, &proc.ParseError{Field: "mountinfo line", Value: string(line), Err: errSyntax}
		}
		id, err1 := strconv.Atoi(f[0])
		parent, err2 := strconv.Atoi(f[1])
		maj, min, ok := strings.Cut(f[2], ":")
		ma, err3 := strconv.ParseUint(maj, 10, 32)
		mi, err4 := strconv.ParseUint(min, 10, 32)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil || !ok {
			return nil, &proc.ParseError{Field: "mountinfo ids", Value: string(line), Err: errSyntax}
		}
		out = append(out, Mount{
			ID: id, Parent: parent, Major: uint32(ma), Minor: uint32(mi),
			Root: unescapeMount(f[3]), MountPoint: unescapeMount(f[4]), Options: f[5],
			FSType: unescapeMount(f[sep+1]), Source: unescapeMount(f[sep+2]),
		})
	}
	return out, nil
}

// unescapeMount decodes the kernel's \ooo escapes (space, tab, newline,
// backslash); any other byte, valid UTF-8 or not, is kept as is.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) && isOctal(s[i+1:i+4]) {
			n, _ := strconv.ParseUint(s[i+1:i+4], 8, 8)
			b.WriteByte(byte(n))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(s string) bool {
	if len(s) != 3 || s[0] > '3' {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < '0' || s[i] > '7' {
			return false
		}
	}
	return true
}
