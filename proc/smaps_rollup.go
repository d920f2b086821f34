package proc

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
)

// procfs's ProcSMapsRollup reads smaps_rollup into a map of strings and
// falls back to the much slower smaps; ParseSmapsRollup types every line.

// SmapsRollup is the content of /proc/PID/smaps_rollup: the sums of
// smaps(5) over every mapping, in bytes (the kernel prints kB). Lines a
// kernel does not print leave their fields zero; lines this package does
// not know are kept in Extra, in bytes. Each field is the line of the same
// name, spelled with Go's capitals for initialisms: RSS is the line Rss,
// SwapPSS the line SwapPss, FilePMDMapped the line FilePmdMapped.
type SmapsRollup struct {
	// Start and End span the mappings: the first one's start and the
	// last one's end.
	Start, End uint64

	RSS            uint64
	PSS            uint64
	PSSDirty       uint64
	PSSAnon        uint64
	PSSFile        uint64
	PSSShmem       uint64
	SharedClean    uint64
	SharedDirty    uint64
	PrivateClean   uint64
	PrivateDirty   uint64
	Referenced     uint64
	Anonymous      uint64
	KSM            uint64
	LazyFree       uint64
	AnonHugePages  uint64
	ShmemPMDMapped uint64
	FilePMDMapped  uint64
	SharedHugetlb  uint64
	PrivateHugetlb uint64
	Swap           uint64
	SwapPSS        uint64
	Locked         uint64

	Extra map[string]uint64
}

// ParseSmapsRollup parses the content of a smaps_rollup file: a maps-style
// header line ending in "[rollup]", then "Key: N kB" lines. A process
// without memory (a kernel thread, a zombie) has an empty file, which
// gives the zero SmapsRollup.
func ParseSmapsRollup(b []byte) (SmapsRollup, error) {
	var s SmapsRollup
	if len(b) == 0 {
		return s, nil
	}
	header, b, ok := bytes.Cut(b, []byte{'\n'})
	if !ok {
		return SmapsRollup{}, parseErr("header", string(header), errTruncated)
	}
	m, err := parseMapsLine(header)
	if err != nil || m.Path != "[rollup]" {
		return SmapsRollup{}, parseErr("header", string(header), errSyntax)
	}
	s.Start, s.End = m.Start, m.End
	for n := 2; len(b) > 0; n++ {
		line, rest, ok := bytes.Cut(b, []byte{'\n'})
		if !ok {
			return SmapsRollup{}, parseErr(lineField(n, "line"), string(line), errTruncated)
		}
		b = rest
		key, val, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			return SmapsRollup{}, parseErr(lineField(n, "line"), string(line), errSyntax)
		}
		v, err := parseKB(bytes.TrimLeft(val, " \t"))
		if err != nil {
			return SmapsRollup{}, parseErr(lineField(n, string(key)), string(val), err)
		}
		if dst := s.field(key); dst != nil {
			*dst = v
			continue
		}
		if s.Extra == nil {
			s.Extra = map[string]uint64{}
		}
		s.Extra[string(key)] = v
	}
	return s, nil
}

func (s *SmapsRollup) field(key []byte) *uint64 {
	switch string(key) {
	case "Rss":
		return &s.RSS
	case "Pss":
		return &s.PSS
	case "Pss_Dirty":
		return &s.PSSDirty
	case "Pss_Anon":
		return &s.PSSAnon
	case "Pss_File":
		return &s.PSSFile
	case "Pss_Shmem":
		return &s.PSSShmem
	case "Shared_Clean":
		return &s.SharedClean
	case "Shared_Dirty":
		return &s.SharedDirty
	case "Private_Clean":
		return &s.PrivateClean
	case "Private_Dirty":
		return &s.PrivateDirty
	case "Referenced":
		return &s.Referenced
	case "Anonymous":
		return &s.Anonymous
	case "KSM":
		return &s.KSM
	case "LazyFree":
		return &s.LazyFree
	case "AnonHugePages":
		return &s.AnonHugePages
	case "ShmemPmdMapped":
		return &s.ShmemPMDMapped
	case "FilePmdMapped":
		return &s.FilePMDMapped
	case "Shared_Hugetlb":
		return &s.SharedHugetlb
	case "Private_Hugetlb":
		return &s.PrivateHugetlb
	case "Swap":
		return &s.Swap
	case "SwapPss":
		return &s.SwapPSS
	case "Locked":
		return &s.Locked
	}
	return nil
}

// ErrNoAddressSpace means the process has no memory to describe: it is a
// kernel thread or a zombie. The kernel answers ESRCH for its
// smaps_rollup, as for a process that is gone; this error, which does not
// match [ErrGone], is returned instead when the process is still there.
var ErrNoAddressSpace = errors.New("no address space (a kernel thread or a zombie)")

func readSmapsRollup(f *FS, name string) (s SmapsRollup, err error) {
	err = f.parseFile(name, func(b []byte) error {
		s, err = ParseSmapsRollup(b)
		return err
	})
	if errors.Is(err, ErrGone) {
		stat := path.Join(path.Dir(name), "stat")
		if f.withFile(stat, func([]byte) error { return nil }) == nil {
			return SmapsRollup{}, &fs.PathError{Op: "read", Path: name, Err: ErrNoAddressSpace}
		}
	}
	return s, err
}
