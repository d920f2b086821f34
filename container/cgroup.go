package container

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/procscope/procscope/proc"
)

// CgroupLine is one line of /proc/PID/cgroup: "ID:CONTROLLERS:PATH". A
// cgroup v2 line has ID 0 and no controllers; a v1 named hierarchy lists
// "name=NAME" among its controllers.
type CgroupLine struct {
	ID          int
	Controllers []string
	Path        string // raw bytes, may contain ':'
}

// parseCgroup parses /proc/PID/cgroup. The path is everything after the
// second colon, so a path holding colons (as runc's cgroupfs manager
// writes for a systemd-style cgroupsPath) survives intact.
func parseCgroup(b []byte) ([]CgroupLine, error) {
	if len(b) == 0 {
		return nil, &proc.ParseError{Field: "cgroup", Err: errEmpty}
	}
	if b[len(b)-1] != '\n' {
		return nil, &proc.ParseError{Field: "cgroup", Value: lastLine(b), Err: errTruncated}
	}
	var out []CgroupLine
	for line := range bytes.Lines(b) {
		line = line[:len(line)-1]
		id, rest, ok1 := bytes.Cut(line, []byte{':'})
		ctrl, path, ok2 := bytes.Cut(rest, []byte{':'})
		if !ok1 || !ok2 {
			return nil, &proc.ParseError{Field: "cgroup line", Value: string(line), Err: errSyntax}
		}
		n, err := strconv.Atoi(string(id))
		if err != nil || n < 0 {
			return nil, &proc.ParseError{Field: "cgroup hierarchy id", Value: string(id), Err: errSyntax}
		}
		if len(path) == 0 || path[0] != '/' {
			return nil, &proc.ParseError{Field: "cgroup path", Value: string(path), Err: errSyntax}
		}
		l := CgroupLine{ID: n, Path: string(path)}
		if len(ctrl) > 0 {
			l.Controllers = strings.Split(string(ctrl), ",")
		}
		out = append(out, l)
	}
	return out, nil
}

func lastLine(b []byte) string {
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return string(b[i+1:])
	}
	return string(b)
}
