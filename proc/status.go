package proc

import (
	"bytes"
	"strconv"
	"strings"
)

// procfs's ProcStatus lacks State, PPid, TracerPid, Threads, Seccomp,
// NoNewPrivs and Groups among others, keeps Name escaped and cannot read
// from an fs.FS; ParseStatus reads every line and keeps unknown keys.

// Status is the content of /proc/PID/status. Memory sizes are in bytes (the
// kernel prints kB). Lines a kernel does not print, such as the Vm* lines of
// a kernel thread, leave their fields zero; lines this package does not know
// are kept in Extra.
type Status struct {
	Name      string // unescaped: raw bytes of the command name
	Umask     uint32
	State     State
	Tgid      int
	Ngid      int
	Pid       int
	PPid      int
	TracerPid int
	Uid       IDs
	Gid       IDs
	FDSize    int
	Groups    []uint32
	NStgid    []int
	NSpid     []int
	NSpgid    []int
	NSsid     []int
	Kthread   bool

	VmPeak       uint64
	VmSize       uint64
	VmLck        uint64
	VmPin        uint64
	VmHWM        uint64
	VmRSS        uint64
	RssAnon      uint64
	RssFile      uint64
	RssShmem     uint64
	VmData       uint64
	VmStk        uint64
	VmExe        uint64
	VmLib        uint64
	VmPTE        uint64
	VmSwap       uint64
	HugetlbPages uint64
	CoreDumping  bool
	THPEnabled   bool

	Threads int
	SigQ    SigQ
	SigPnd  SignalSet
	ShdPnd  SignalSet
	SigBlk  SignalSet
	SigIgn  SignalSet
	SigCgt  SignalSet

	CapInh CapSet
	CapPrm CapSet
	CapEff CapSet
	CapBnd CapSet
	CapAmb CapSet

	NoNewPrivs     bool
	Seccomp        SeccompMode
	SeccompFilters int

	SpeculationStoreBypass    string
	SpeculationIndirectBranch string
	CpusAllowed               string // hex mask
	CpusAllowedList           string
	MemsAllowed               string // hex mask
	MemsAllowedList           string

	VoluntaryCtxtSwitches    uint64
	NonvoluntaryCtxtSwitches uint64

	// Extra holds the lines this package does not know, by key.
	Extra map[string]string
}

// IDs are the four user or group ids of a task.
type IDs struct {
	Real      uint32
	Effective uint32
	Saved     uint32
	FS        uint32
}

// SigQ is the number of queued signals and the limit on them.
type SigQ struct {
	Queued uint64
	Limit  uint64
}

// SignalSet is a signal mask: bit n-1 stands for signal n.
type SignalSet uint64

// Has reports whether signal sig (1-64) is in the set.
func (s SignalSet) Has(sig int) bool { return sig >= 1 && sig <= 64 && s&(1<<(sig-1)) != 0 }

// SeccompMode is the Seccomp line of status.
type SeccompMode int

// Seccomp modes.
const (
	SeccompDisabled SeccompMode = 0
	SeccompStrict   SeccompMode = 1
	SeccompFilter   SeccompMode = 2
)

// String returns "disabled", "strict" or "filter".
func (m SeccompMode) String() string {
	switch m {
	case SeccompDisabled:
		return "disabled"
	case SeccompStrict:
		return "strict"
	case SeccompFilter:
		return "filter"
	}
	return "SeccompMode(" + strconv.Itoa(int(m)) + ")"
}

// ParseStatus parses the content of a status file.
func ParseStatus(b []byte) (Status, error) {
	var s Status
	for len(b) > 0 {
		var line []byte
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			// The kernel ends every line with a newline.
			return Status{}, parseErr("line", string(b), errTruncated)
		}
		if len(line) == 0 {
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			return Status{}, parseErr("line", string(line), errSyntax)
		}
		key := string(line[:colon])
		val := strings.TrimLeft(string(line[colon+1:]), " \t")
		if err := s.set(key, val); err != nil {
			return Status{}, err
		}
	}
	if s.Name == "" && s.Pid == 0 {
		return Status{}, parseErr("Pid", "", errTruncated)
	}
	return s, nil
}

func (s *Status) set(key, val string) error {
	var err error
	switch key {
	case "Name":
		s.Name, err = unescapeName(val)
	case "Umask":
		var u uint64
		u, err = strconv.ParseUint(val, 8, 32)
		s.Umask = uint32(u)
	case "State":
		if val == "" {
			return parseErr(key, val, errSyntax)
		}
		s.State = State(val[0])
	case "Tgid":
		s.Tgid, err = strconv.Atoi(val)
	case "Ngid":
		s.Ngid, err = strconv.Atoi(val)
	case "Pid":
		s.Pid, err = strconv.Atoi(val)
	case "PPid":
		s.PPid, err = strconv.Atoi(val)
	case "TracerPid":
		s.TracerPid, err = strconv.Atoi(val)
	case "Uid":
		s.Uid, err = parseIDs(val)
	case "Gid":
		s.Gid, err = parseIDs(val)
	case "FDSize":
		s.FDSize, err = strconv.Atoi(val)
	case "Groups":
		s.Groups, err = parseUintList(val)
	case "NStgid":
		s.NStgid, err = parseIntList(val)
	case "NSpid":
		s.NSpid, err = parseIntList(val)
	case "NSpgid":
		s.NSpgid, err = parseIntList(val)
	case "NSsid":
		s.NSsid, err = parseIntList(val)
	case "Kthread":
		s.Kthread, err = parseBool01(val)
	case "VmPeak":
		s.VmPeak, err = parseKB(val)
	case "VmSize":
		s.VmSize, err = parseKB(val)
	case "VmLck":
		s.VmLck, err = parseKB(val)
	case "VmPin":
		s.VmPin, err = parseKB(val)
	case "VmHWM":
		s.VmHWM, err = parseKB(val)
	case "VmRSS":
		s.VmRSS, err = parseKB(val)
	case "RssAnon":
		s.RssAnon, err = parseKB(val)
	case "RssFile":
		s.RssFile, err = parseKB(val)
	case "RssShmem":
		s.RssShmem, err = parseKB(val)
	case "VmData":
		s.VmData, err = parseKB(val)
	case "VmStk":
		s.VmStk, err = parseKB(val)
	case "VmExe":
		s.VmExe, err = parseKB(val)
	case "VmLib":
		s.VmLib, err = parseKB(val)
	case "VmPTE":
		s.VmPTE, err = parseKB(val)
	case "VmSwap":
		s.VmSwap, err = parseKB(val)
	case "HugetlbPages":
		s.HugetlbPages, err = parseKB(val)
	case "CoreDumping":
		s.CoreDumping, err = parseBool01(val)
	case "THP_enabled":
		s.THPEnabled, err = parseBool01(val)
	case "Threads":
		s.Threads, err = strconv.Atoi(val)
	case "SigQ":
		q, l, ok := strings.Cut(val, "/")
		if !ok {
			return parseErr(key, val, errSyntax)
		}
		if s.SigQ.Queued, err = strconv.ParseUint(q, 10, 64); err == nil {
			s.SigQ.Limit, err = strconv.ParseUint(l, 10, 64)
		}
	case "SigPnd":
		err = parseHex(val, (*uint64)(&s.SigPnd))
	case "ShdPnd":
		err = parseHex(val, (*uint64)(&s.ShdPnd))
	case "SigBlk":
		err = parseHex(val, (*uint64)(&s.SigBlk))
	case "SigIgn":
		err = parseHex(val, (*uint64)(&s.SigIgn))
	case "SigCgt":
		err = parseHex(val, (*uint64)(&s.SigCgt))
	case "CapInh":
		err = parseHex(val, (*uint64)(&s.CapInh))
	case "CapPrm":
		err = parseHex(val, (*uint64)(&s.CapPrm))
	case "CapEff":
		err = parseHex(val, (*uint64)(&s.CapEff))
	case "CapBnd":
		err = parseHex(val, (*uint64)(&s.CapBnd))
	case "CapAmb":
		err = parseHex(val, (*uint64)(&s.CapAmb))
	case "NoNewPrivs":
		s.NoNewPrivs, err = parseBool01(val)
	case "Seccomp":
		var m int
		m, err = strconv.Atoi(val)
		s.Seccomp = SeccompMode(m)
	case "Seccomp_filters":
		s.SeccompFilters, err = strconv.Atoi(val)
	case "Speculation_Store_Bypass":
		s.SpeculationStoreBypass = val
	case "SpeculationIndirectBranch":
		s.SpeculationIndirectBranch = val
	case "Cpus_allowed":
		s.CpusAllowed = val
	case "Cpus_allowed_list":
		s.CpusAllowedList = val
	case "Mems_allowed":
		s.MemsAllowed = val
	case "Mems_allowed_list":
		s.MemsAllowedList = val
	case "voluntary_ctxt_switches":
		s.VoluntaryCtxtSwitches, err = strconv.ParseUint(val, 10, 64)
	case "nonvoluntary_ctxt_switches":
		s.NonvoluntaryCtxtSwitches, err = strconv.ParseUint(val, 10, 64)
	default:
		if s.Extra == nil {
			s.Extra = make(map[string]string)
		}
		s.Extra[key] = val
	}
	if err != nil {
		return parseErr(key, val, unwrapNum(err))
	}
	return nil
}

// unwrapNum keeps a strconv error's reason (invalid syntax, out of range)
// without repeating the value, which ParseError already names.
func unwrapNum(err error) error {
	if ne, ok := err.(*strconv.NumError); ok {
		return ne.Err
	}
	return err
}

func parseIDs(val string) (IDs, error) {
	f := strings.Fields(val)
	if len(f) != 4 {
		return IDs{}, errSyntax
	}
	var ids [4]uint32
	for i, s := range f {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return IDs{}, err
		}
		ids[i] = uint32(n)
	}
	return IDs{Real: ids[0], Effective: ids[1], Saved: ids[2], FS: ids[3]}, nil
}

func parseUintList(val string) ([]uint32, error) {
	f := strings.Fields(val)
	out := make([]uint32, 0, len(f))
	for _, s := range f {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return nil, err
		}
		out = append(out, uint32(n))
	}
	return out, nil
}

func parseIntList(val string) ([]int, error) {
	f := strings.Fields(val)
	out := make([]int, 0, len(f))
	for _, s := range f {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func parseKB(val string) (uint64, error) {
	num, unit, _ := strings.Cut(val, " ")
	if unit != "kB" {
		return 0, errSyntax
	}
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil {
		return 0, err
	}
	if n > (1<<64-1)/1024 {
		return 0, strconv.ErrRange
	}
	return n * 1024, nil
}

func parseBool01(val string) (bool, error) {
	switch val {
	case "0":
		return false, nil
	case "1":
		return true, nil
	}
	return false, errSyntax
}

func parseHex(val string, dst *uint64) error {
	n, err := strconv.ParseUint(val, 16, 64)
	if err != nil {
		return err
	}
	*dst = n
	return nil
}

// unescapeName undoes the escaping of the Name line: the kernel prints the
// command name with seq_escape_str(ESCAPE_SPACE|ESCAPE_SPECIAL, "\n\\"), so
// a newline reads "\n", a backslash "\\", and other control bytes as C
// escapes or three-digit octal.
func unescapeName(s string) (string, error) {
	if strings.IndexByte(s, '\\') < 0 {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			return "", errSyntax
		}
		i++
		switch e := s[i]; e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case 'a':
			b.WriteByte('\a')
		case 'e':
			b.WriteByte(0x1b)
		case '\\', '"':
			b.WriteByte(e)
		default:
			if e < '0' || e > '7' || i+2 >= len(s) {
				return "", errSyntax
			}
			n, err := strconv.ParseUint(s[i:i+3], 8, 8)
			if err != nil {
				return "", errSyntax
			}
			b.WriteByte(byte(n))
			i += 2
		}
	}
	return b.String(), nil
}

func readStatus(f *FS, name string) (Status, error) {
	b, err := f.ReadFile(name)
	if err != nil {
		return Status{}, err
	}
	s, err := ParseStatus(b)
	if err != nil {
		return Status{}, withPath(err, name)
	}
	return s, nil
}
