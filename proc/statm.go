package proc

// Statm is the content of /proc/PID/statm: memory sizes in pages (see
// os.Getpagesize). Lib and Dirty are always 0 since Linux 2.6.
type Statm struct {
	Size     uint64 // total program size, VmSize
	Resident uint64 // resident set size, VmRSS
	Shared   uint64 // resident file-backed and shared memory (RssFile+RssShmem)
	Text     uint64 // code
	Lib      uint64
	Data     uint64 // data and stack
	Dirty    uint64
}

// ParseStatm parses the content of a statm file: seven numbers.
func ParseStatm(b []byte) (Statm, error) {
	var s Statm
	f := fieldScanner{rest: b}
	f.uint(&s.Size, "size")
	f.uint(&s.Resident, "resident")
	f.uint(&s.Shared, "shared")
	f.uint(&s.Text, "text")
	f.uint(&s.Lib, "lib")
	f.uint(&s.Data, "data")
	f.uint(&s.Dirty, "dt")
	if f.err != nil {
		return Statm{}, f.err
	}
	if len(f.rest) > 0 {
		return Statm{}, parseErr("end", string(f.rest), errSyntax)
	}
	return s, nil
}

func readStatm(f *FS, name string) (s Statm, err error) {
	err = f.parseFile(name, func(b []byte) error {
		s, err = ParseStatm(b)
		return err
	})
	return s, err
}
