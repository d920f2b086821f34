package proc

import (
	"bytes"

	"github.com/procscope/procscope/internal/num"
)

// IO is the content of /proc/PID/io: the I/O counters of the process (its
// threads included, its reaped children not). See proc_pid_io(5).
type IO struct {
	RChar               uint64 // bytes read by read(2) and the like, from any file
	WChar               uint64 // bytes written
	SyscR               uint64 // read system calls
	SyscW               uint64 // write system calls
	ReadBytes           uint64 // bytes fetched from the storage layer
	WriteBytes          uint64 // bytes sent to the storage layer
	CancelledWriteBytes uint64 // of WriteBytes, truncated before writeback
}

// ParseIO parses the content of an io file: "key: value" lines. Every one
// of the seven keys must be present; unknown keys are an error, so that a
// new counter is not lost silently.
func ParseIO(b []byte) (IO, error) {
	var v IO
	var seen int
	for n := 1; len(b) > 0; n++ {
		line, rest, ok := bytes.Cut(b, []byte{'\n'})
		if !ok {
			return IO{}, parseErr(lineField(n, "line"), string(line), errTruncated)
		}
		b = rest
		key, val, ok := bytes.Cut(line, []byte(": "))
		if !ok {
			return IO{}, parseErr(lineField(n, "line"), string(line), errSyntax)
		}
		var dst *uint64
		var bit int
		switch string(key) {
		case "rchar":
			dst, bit = &v.RChar, 0
		case "wchar":
			dst, bit = &v.WChar, 1
		case "syscr":
			dst, bit = &v.SyscR, 2
		case "syscw":
			dst, bit = &v.SyscW, 3
		case "read_bytes":
			dst, bit = &v.ReadBytes, 4
		case "write_bytes":
			dst, bit = &v.WriteBytes, 5
		case "cancelled_write_bytes":
			dst, bit = &v.CancelledWriteBytes, 6
		default:
			return IO{}, parseErr(lineField(n, "key"), string(key), errSyntax)
		}
		x, ok := num.Uint(val)
		if !ok {
			return IO{}, parseErr(string(key), string(val), errSyntax)
		}
		*dst, seen = x, seen|1<<bit
	}
	if seen != 1<<7-1 {
		return IO{}, parseErr("keys", "", errTruncated)
	}
	return v, nil
}

func readIO(f *FS, name string) (v IO, err error) {
	err = f.parseFile(name, func(b []byte) error {
		v, err = ParseIO(b)
		return err
	})
	return v, err
}
