package proc

import (
	"bytes"
	"strconv"

	"github.com/procscope/procscope/internal/num"
)

// procfs's ProcLimits turns "unlimited" into -1 in an int64, so a real
// limit above 2^63 cannot be told from it, and matches each line by a
// regular expression; ParseLimits keeps the kernel's RLIM_INFINITY.

// Unlimited is the value of a limit the kernel prints as "unlimited":
// RLIM_INFINITY, the largest rlim_t.
const Unlimited = ^uint64(0)

// Resource is a resource limit's number, RLIMIT_* in
// include/uapi/asm-generic/resource.h. [Resource.String] gives the name
// prlimit(1) shows.
type Resource int

// The resources, in the kernel's order (and the order of the limits file).
const (
	RLimitCPU        Resource = 0
	RLimitFSize      Resource = 1
	RLimitData       Resource = 2
	RLimitStack      Resource = 3
	RLimitCore       Resource = 4
	RLimitRSS        Resource = 5
	RLimitNProc      Resource = 6
	RLimitNoFile     Resource = 7
	RLimitMemLock    Resource = 8
	RLimitAS         Resource = 9
	RLimitLocks      Resource = 10
	RLimitSigPending Resource = 11
	RLimitMsgQueue   Resource = 12
	RLimitNice       Resource = 13
	RLimitRTPrio     Resource = 14
	RLimitRTTime     Resource = 15
	// ResourceUnknown is a line whose name this package does not know.
	ResourceUnknown Resource = -1
)

// resources maps the kernel's names in the limits file (fs/proc/base.c
// lnames) to the resources and the names prlimit shows.
var resources = [...]struct{ kernel, prlimit string }{
	{"Max cpu time", "CPU"},
	{"Max file size", "FSIZE"},
	{"Max data size", "DATA"},
	{"Max stack size", "STACK"},
	{"Max core file size", "CORE"},
	{"Max resident set", "RSS"},
	{"Max processes", "NPROC"},
	{"Max open files", "NOFILE"},
	{"Max locked memory", "MEMLOCK"},
	{"Max address space", "AS"},
	{"Max file locks", "LOCKS"},
	{"Max pending signals", "SIGPENDING"},
	{"Max msgqueue size", "MSGQUEUE"},
	{"Max nice priority", "NICE"},
	{"Max realtime priority", "RTPRIO"},
	{"Max realtime timeout", "RTTIME"},
}

// String returns prlimit's name for the resource, such as "NOFILE".
func (r Resource) String() string {
	if r >= 0 && int(r) < len(resources) {
		return resources[r].prlimit
	}
	return "Resource(" + strconv.Itoa(int(r)) + ")"
}

// Limit is one line of /proc/PID/limits.
type Limit struct {
	Resource Resource
	Name     string // the kernel's name, "Max open files"
	Soft     uint64 // [Unlimited] for "unlimited"
	Hard     uint64
	Unit     string // "seconds", "bytes", "processes", "files", "locks", "signals", "us", or ""
}

// ParseLimits parses the content of a limits file, one [Limit] per line
// after the header, in the kernel's order. A name this package does not
// know is kept with Resource [ResourceUnknown].
func ParseLimits(b []byte) ([]Limit, error) {
	header, b, ok := bytes.Cut(b, []byte{'\n'})
	if !ok || !bytes.HasPrefix(header, []byte("Limit ")) {
		return nil, parseErr("header", string(header), errSyntax)
	}
	ls := make([]Limit, 0, len(resources))
	for n := 2; len(b) > 0; n++ {
		line, rest, ok := bytes.Cut(b, []byte{'\n'})
		if !ok {
			return nil, parseErr(lineField(n, "line"), string(line), errTruncated)
		}
		b = rest
		l, err := parseLimitLine(line)
		if err != nil {
			return nil, atLine(err, n)
		}
		ls = append(ls, l)
	}
	return ls, nil
}

func parseLimitLine(line []byte) (Limit, error) {
	// The name is printed "%-25s ": it holds blanks, the values do not.
	if len(line) < 26 || line[25] != ' ' {
		return Limit{}, parseErr("name", string(line), errSyntax)
	}
	name := bytes.TrimRight(line[:25], " ")
	l := Limit{Resource: ResourceUnknown}
	for i, r := range resources {
		if r.kernel == string(name) { // no allocation: the table's strings are kept
			l.Resource, l.Name = Resource(i), r.kernel
		}
	}
	if l.Resource == ResourceUnknown {
		l.Name = string(name)
	}
	f := fieldScanner{rest: line[26:]}
	soft := f.token("soft limit")
	hard := f.token("hard limit")
	unit := f.next()
	if f.err != nil {
		return Limit{}, f.err
	}
	if extra := f.next(); len(extra) > 0 {
		return Limit{}, parseErr("units", string(extra), errSyntax)
	}
	var err error
	if l.Soft, err = limitValue(soft, "soft limit"); err != nil {
		return Limit{}, err
	}
	if l.Hard, err = limitValue(hard, "hard limit"); err != nil {
		return Limit{}, err
	}
	l.Unit = limitUnit(unit)
	return l, nil
}

// limitUnit returns the unit, without allocating for the kernel's own.
func limitUnit(b []byte) string {
	for _, u := range [...]string{"seconds", "bytes", "processes", "files", "locks", "signals", "us"} {
		if string(b) == u {
			return u
		}
	}
	return string(b)
}

func limitValue(b []byte, field string) (uint64, error) {
	if string(b) == "unlimited" {
		return Unlimited, nil
	}
	v, ok := num.Uint(b)
	if !ok {
		return 0, parseErr(field, string(b), errSyntax)
	}
	return v, nil
}

func readLimits(f *FS, name string) (ls []Limit, err error) {
	err = f.parseFile(name, func(b []byte) error {
		ls, err = ParseLimits(b)
		return err
	})
	return ls, err
}
