package proc

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/procscope/procscope/internal/num"
)

// procfs's ProcStatus lacks State, PPid, TracerPid, Threads, Seccomp,
// NoNewPrivs and Groups among others, keeps Name escaped and cannot read
// from an fs.FS; ParseStatus reads every line and keeps unknown keys.

// Status is the content of /proc/PID/status. Memory sizes are in bytes (the
// kernel prints kB). Lines a kernel does not print, such as the Vm* lines of
// a kernel thread, leave their fields zero; lines this package does not know
// are kept in Extra. Each field is the line of the same name, spelled with
// Go's capitals for initialisms (see "Names" in the package documentation):
// PPID is the line PPid, VMRSS the line VmRSS, NSPID the line NSpid.
type Status struct {
	Name      string // unescaped: raw bytes of the command name
	Umask     uint32
	State     State
	TGID      int
	NGID      int
	PID       int
	PPID      int
	TracerPID int
	UID       IDs
	GID       IDs
	FDSize    int
	Groups    []uint32
	NSTGID    []int
	NSPID     []int
	NSPGID    []int
	NSSID     []int
	Kthread   bool

	VMPeak       uint64
	VMSize       uint64
	VMLck        uint64
	VMPin        uint64
	VMHWM        uint64
	VMRSS        uint64
	RSSAnon      uint64
	RSSFile      uint64
	RSSShmem     uint64
	VMData       uint64
	VMStk        uint64
	VMExe        uint64
	VMLib        uint64
	VMPTE        uint64
	VMSwap       uint64
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
	CPUsAllowed               string // hex mask
	CPUsAllowedList           string
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
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			// The kernel ends every line with a newline.
			return Status{}, parseErr("line", string(b), errTruncated)
		}
		line := b[:i]
		b = b[i+1:]
		if len(line) == 0 {
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			return Status{}, parseErr("line", string(line), errSyntax)
		}
		key, val := line[:colon], bytes.TrimLeft(line[colon+1:], " \t")
		if err := s.set(key, val); err != nil {
			return Status{}, parseErr(string(key), string(val), err)
		}
	}
	if s.Name == "" && s.PID == 0 {
		return Status{}, parseErr("Pid", "", errTruncated)
	}
	return s, nil
}

// set stores one line. Parsing works on the bytes, so only the fields that
// keep text allocate.
func (s *Status) set(key, val []byte) error {
	var err error
	switch string(key) {
	case "Name":
		s.Name, err = unescapeName(string(val))
	case "Umask":
		var u uint64
		u, err = baseUint(val, 8)
		s.Umask = uint32(u)
	case "State":
		if len(val) == 0 {
			return errSyntax
		}
		s.State = State(val[0])
	case "Tgid":
		s.TGID, err = decInt(val)
	case "Ngid":
		s.NGID, err = decInt(val)
	case "Pid":
		s.PID, err = decInt(val)
	case "PPid":
		s.PPID, err = decInt(val)
	case "TracerPid":
		s.TracerPID, err = decInt(val)
	case "Uid":
		s.UID, err = parseIDs(val)
	case "Gid":
		s.GID, err = parseIDs(val)
	case "FDSize":
		s.FDSize, err = decInt(val)
	case "Groups":
		s.Groups, err = parseList(val, func(b []byte) (uint32, error) { v, err := baseUint(b, 10); return uint32(v), err })
	case "NStgid":
		s.NSTGID, err = parseList(val, decInt)
	case "NSpid":
		s.NSPID, err = parseList(val, decInt)
	case "NSpgid":
		s.NSPGID, err = parseList(val, decInt)
	case "NSsid":
		s.NSSID, err = parseList(val, decInt)
	case "Kthread":
		s.Kthread, err = parseBool01(val)
	case "VmPeak":
		s.VMPeak, err = parseKB(val)
	case "VmSize":
		s.VMSize, err = parseKB(val)
	case "VmLck":
		s.VMLck, err = parseKB(val)
	case "VmPin":
		s.VMPin, err = parseKB(val)
	case "VmHWM":
		s.VMHWM, err = parseKB(val)
	case "VmRSS":
		s.VMRSS, err = parseKB(val)
	case "RssAnon":
		s.RSSAnon, err = parseKB(val)
	case "RssFile":
		s.RSSFile, err = parseKB(val)
	case "RssShmem":
		s.RSSShmem, err = parseKB(val)
	case "VmData":
		s.VMData, err = parseKB(val)
	case "VmStk":
		s.VMStk, err = parseKB(val)
	case "VmExe":
		s.VMExe, err = parseKB(val)
	case "VmLib":
		s.VMLib, err = parseKB(val)
	case "VmPTE":
		s.VMPTE, err = parseKB(val)
	case "VmSwap":
		s.VMSwap, err = parseKB(val)
	case "HugetlbPages":
		s.HugetlbPages, err = parseKB(val)
	case "CoreDumping":
		s.CoreDumping, err = parseBool01(val)
	case "THP_enabled":
		s.THPEnabled, err = parseBool01(val)
	case "Threads":
		s.Threads, err = decInt(val)
	case "SigQ":
		q, l, ok := bytes.Cut(val, []byte("/"))
		if !ok {
			return errSyntax
		}
		if s.SigQ.Queued, err = baseUint(q, 10); err == nil {
			s.SigQ.Limit, err = baseUint(l, 10)
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
		m, err = decInt(val)
		s.Seccomp = SeccompMode(m)
	case "Seccomp_filters":
		s.SeccompFilters, err = decInt(val)
	case "Speculation_Store_Bypass":
		s.SpeculationStoreBypass = string(val)
	case "SpeculationIndirectBranch":
		s.SpeculationIndirectBranch = string(val)
	case "Cpus_allowed":
		s.CPUsAllowed = string(val)
	case "Cpus_allowed_list":
		s.CPUsAllowedList = string(val)
	case "Mems_allowed":
		s.MemsAllowed = string(val)
	case "Mems_allowed_list":
		s.MemsAllowedList = string(val)
	case "voluntary_ctxt_switches":
		s.VoluntaryCtxtSwitches, err = baseUint(val, 10)
	case "nonvoluntary_ctxt_switches":
		s.NonvoluntaryCtxtSwitches, err = baseUint(val, 10)
	default:
		if s.Extra == nil {
			s.Extra = make(map[string]string)
		}
		s.Extra[string(key)] = string(val)
	}
	return err
}

func decInt(b []byte) (int, error) {
	v, ok := num.Int(b)
	if !ok || int64(int(v)) != v {
		return 0, errSyntax
	}
	return int(v), nil
}

// baseUint parses an unsigned number in base 8, 10 or 16, telling a number
// too large from a malformed one.
func baseUint(b []byte, base int) (uint64, error) {
	var v uint64
	var ok bool
	switch base {
	case 8:
		v, ok = num.Octal(b, 64)
	case 16:
		v, ok = num.Hex(b, 64)
	default:
		v, ok = num.Uint(b)
	}
	if !ok {
		if num.Digits(b, base) {
			return 0, strconv.ErrRange
		}
		return 0, errSyntax
	}
	return v, nil
}

func parseIDs(val []byte) (IDs, error) {
	var ids [4]uint32
	f := fieldScanner{rest: val}
	for i := range ids {
		tok := f.next()
		n, err := baseUint(tok, 10)
		if err != nil || n > 1<<32-1 {
			return IDs{}, errSyntax
		}
		ids[i] = uint32(n)
	}
	if len(bytes.TrimSpace(f.rest)) != 0 {
		return IDs{}, errSyntax
	}
	return IDs{Real: ids[0], Effective: ids[1], Saved: ids[2], FS: ids[3]}, nil
}

func parseList[T any](val []byte, parse func([]byte) (T, error)) ([]T, error) {
	fields := bytes.Fields(val)
	out := make([]T, 0, len(fields))
	for _, f := range fields {
		v, err := parse(f)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func parseKB(val []byte) (uint64, error) {
	num, unit, _ := bytes.Cut(val, []byte(" "))
	if string(unit) != "kB" {
		return 0, errSyntax
	}
	n, err := baseUint(num, 10)
	if err != nil {
		return 0, err
	}
	if n > (1<<64-1)/1024 {
		return 0, strconv.ErrRange
	}
	return n * 1024, nil
}

func parseBool01(val []byte) (bool, error) {
	switch string(val) {
	case "0":
		return false, nil
	case "1":
		return true, nil
	}
	return false, errSyntax
}

func parseHex(val []byte, dst *uint64) error {
	n, err := baseUint(val, 16)
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

func readStatus(f *FS, name string) (s Status, err error) {
	err = f.parseFile(name, func(b []byte) error {
		s, err = ParseStatus(b)
		return err
	})
	return s, err
}
