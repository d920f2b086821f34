package proc

import (
	"bytes"
	"errors"
	"strconv"
	"strings"

	"github.com/procscope/procscope/internal/num"
)

// procfs's ProcCgroup splits each line on every ':' (a path with a colon
// then fails to parse), and drops the " (deleted)" mark of a removed v2
// cgroup into the path; ParseCgroup cuts at the first two colons only.

// Cgroup is one line of /proc/PID/cgroup: the process's cgroup in one
// hierarchy. A cgroup v1 line is "ID:CONTROLLERS:PATH" with a hierarchy ID
// above 0 and a comma-separated controller list (a named hierarchy appears
// as "name=systemd"); the cgroup v2 line is "0::PATH". A hybrid host lists
// both kinds. See cgroups(7).
type Cgroup struct {
	HierarchyID int
	// Controllers are the controllers bound to the hierarchy, as the kernel
	// lists them ("cpu", "cpuacct", "name=systemd"); nil on the v2 line.
	Controllers []string
	// Path is the cgroup's path relative to the hierarchy's root as seen
	// from the reader's cgroup namespace: it starts with "/", or with
	// "/.." for a cgroup outside the reader's namespace. Raw bytes.
	Path string
	// Deleted reports that the kernel marked a removed v2 cgroup with
	// " (deleted)", which is not part of Path.
	Deleted bool
}

// V2 reports whether the line is the unified (cgroup v2) hierarchy's.
func (c Cgroup) V2() bool { return c.HierarchyID == 0 && len(c.Controllers) == 0 }

// Name returns the name of a named v1 hierarchy ("systemd" for
// "name=systemd"), or "".
func (c Cgroup) Name() string {
	for _, ctl := range c.Controllers {
		if n, ok := strings.CutPrefix(ctl, "name="); ok {
			return n
		}
	}
	return ""
}

// ParseCgroup parses the content of a cgroup file, one [Cgroup] per line in
// the kernel's order. The path is cut at the first two colons only, so a
// path holding ':' stays whole.
func ParseCgroup(b []byte) ([]Cgroup, error) {
	cgs := make([]Cgroup, 0, bytes.Count(b, []byte{'\n'})+1)
	for n := 1; len(b) > 0; n++ {
		line, rest, ok := bytes.Cut(b, []byte{'\n'})
		if !ok {
			return nil, parseErr(lineField(n, "line"), string(line), errTruncated)
		}
		b = rest
		id, rest, ok1 := bytes.Cut(line, []byte{':'})
		ctls, path, ok2 := bytes.Cut(rest, []byte{':'})
		if !ok1 || !ok2 {
			return nil, parseErr(lineField(n, "line"), string(line), errSyntax)
		}
		h, ok := num.Uint(id)
		if !ok || h > 1<<31-1 {
			return nil, parseErr(lineField(n, "hierarchy ID"), string(id), errSyntax)
		}
		if len(path) == 0 || path[0] != '/' {
			return nil, parseErr(lineField(n, "path"), string(path), errSyntax)
		}
		c := Cgroup{HierarchyID: int(h)}
		if len(ctls) > 0 {
			c.Controllers = strings.Split(string(ctls), ",")
		} else if h != 0 {
			return nil, parseErr(lineField(n, "controllers"), "", errSyntax)
		}
		// The kernel appends " (deleted)" only on the v2 line.
		if c.V2() {
			if p, ok := bytes.CutSuffix(path, []byte(deletedSuffix)); ok {
				path, c.Deleted = p, true
			}
		}
		c.Path = string(path)
		cgs = append(cgs, c)
	}
	return cgs, nil
}

// lineField names a field of a line-oriented file in a [ParseError].
func lineField(n int, field string) string { return "line " + strconv.Itoa(n) + ": " + field }

// atLine prefixes the field of a [ParseError] in err with the line number
// n, so that a parser names fields plainly and pays for the number only on
// failure.
func atLine(err error, n int) error {
	var pe *ParseError
	if errors.As(err, &pe) {
		pe.Field = lineField(n, pe.Field)
	}
	return err
}

func readCgroup(f *FS, name string) (cgs []Cgroup, err error) {
	err = f.parseFile(name, func(b []byte) error {
		cgs, err = ParseCgroup(b)
		return err
	})
	return cgs, err
}
