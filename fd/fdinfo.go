package fd

import (
	"errors"
	"strconv"
	"strings"

	"github.com/procscope/procscope/proc"
)

// Info is /proc/PID/fdinfo/N parsed into numbers. The common fields come
// first; the lines that only some kinds of file have are decoded into the
// kind's field (nil or empty otherwise), and every line that is neither is
// kept verbatim in Extra, so nothing the kernel printed is lost.
type Info struct {
	Pos   int64  // pos: file offset
	Flags Flags  // flags: open flags, with O_CLOEXEC when close-on-exec is set
	MntID int    // mnt_id: the mount (see /proc/PID/mountinfo); 0 for internal mounts such as memfd's
	Ino   uint64 // ino: inode number (Linux 5.14 and later); 0 when absent

	Eventfd  *EventfdInfo   // eventfd-* lines
	Epoll    []EpollTarget  // tfd: lines of an epoll instance, in file order
	Inotify  []InotifyWatch // inotify wd: lines, in file order
	Timerfd  *TimerfdInfo   // clockid/ticks/settime flags/it_value/it_interval
	Signalfd *SignalfdInfo  // sigmask
	Pidfd    *PidfdInfo     // Pid/NSpid of a pidfd
	Extra    []Field        // every other line (lock:, scm_fds:, fanotify, bpf map_type:, tty-index:, ...)
}

// Field is one fdinfo line kept as text: the name before the first ':' and
// the value after it with surrounding blanks removed.
type Field struct {
	Name  string
	Value string
}

// EventfdInfo is the state of an eventfd.
type EventfdInfo struct {
	Count     uint64 // eventfd-count (printed in hex by the kernel)
	ID        int    // eventfd-id, -1 when the kernel does not print it
	Semaphore bool   // eventfd-semaphore
}

// EpollTarget is one "tfd:" line: a file descriptor watched by an epoll
// instance.
type EpollTarget struct {
	FD     int    // tfd: the target's fd number in the process that added it
	Events uint32 // events: the event mask (EPOLLIN, ...)
	Data   uint64 // data: the user data
	Pos    int64  // pos: the target file's offset
	Ino    uint64 // ino: the target's inode
	Sdev   uint64 // sdev: the target's device, kernel encoding
}

// InotifyWatch is one "inotify wd:" line.
type InotifyWatch struct {
	WD          int    // wd: watch descriptor
	Ino         uint64 // ino: watched inode
	Sdev        uint64 // sdev: watched inode's device, kernel encoding
	Mask        uint32 // mask: IN_* events watched
	IgnoredMask uint32 // ignored_mask
	FHandle     string // the remaining "fhandle-bytes:... f_handle:..." text, verbatim
}

// TimerfdInfo is the state of a timerfd.
type TimerfdInfo struct {
	ClockID      int
	Ticks        uint64
	SettimeFlags int   // settime flags (octal in the file)
	ValueSec     int64 // it_value: time until the next expiry
	ValueNsec    int64
	IntervalSec  int64 // it_interval: the period, zero for one-shot
	IntervalNsec int64
}

// SignalfdInfo is the state of a signalfd.
type SignalfdInfo struct {
	Sigmask uint64 // bit n-1 set for signal n
}

// PidfdInfo is the state of a pidfd.
type PidfdInfo struct {
	PID   int   // -1 when the process has been reaped, 0 when it is outside the reader's pid namespace
	NSPID []int // the pid in each nested namespace, outermost first; nil when absent
}

var errMissing = errors.New("missing field")

// ParseInfo parses the contents of an fdinfo file. A returned error is a
// [*proc.ParseError] whose Field names the line number; the Path is empty
// ([List] fills it in). Flags are taken as printed, in the numbers of this
// program's architecture; [List] translates those of a tree of another
// architecture with [Flags.FromArch].
func ParseInfo(b []byte) (Info, error) {
	var in Info
	var seen uint8 // 1 pos, 2 flags
	lineNo := 0
	rest := string(b) // one copy; the lines and kept values are slices of it
	for len(rest) > 0 {
		lineNo++
		var line string
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			line, rest = rest, ""
		}
		if len(line) == 0 {
			continue
		}
		if err := in.parseLine(line, &seen); err != nil {
			var pe *proc.ParseError
			if errors.As(err, &pe) {
				pe.Field = "line " + strconv.Itoa(lineNo) + ": " + pe.Field
			}
			return Info{}, err
		}
	}
	if seen&1 == 0 {
		return Info{}, &proc.ParseError{Field: "pos", Err: errMissing}
	}
	if seen&2 == 0 {
		return Info{}, &proc.ParseError{Field: "flags", Err: errMissing}
	}
	return in, nil
}

func perr(field, value string, err error) error {
	return &proc.ParseError{Field: field, Value: value, Err: err}
}

var errSyntax = errors.New("invalid syntax")

func (in *Info) parseLine(line string, seen *uint8) error {
	switch {
	case strings.HasPrefix(line, "tfd:"):
		t, err := parseEpollLine(line)
		if err != nil {
			return err
		}
		in.Epoll = append(in.Epoll, t)
		return nil
	case strings.HasPrefix(line, "inotify wd:"):
		w, err := parseInotifyLine(line)
		if err != nil {
			return err
		}
		in.Inotify = append(in.Inotify, w)
		return nil
	}
	name, value, ok := strings.Cut(line, ":")
	if !ok {
		return perr("line", line, errSyntax)
	}
	value = strings.TrimSpace(value)
	var err error
	switch name {
	case "pos":
		in.Pos, err = strconv.ParseInt(value, 10, 64)
		*seen |= 1
	case "flags":
		var v uint64
		v, err = strconv.ParseUint(value, 8, 32)
		in.Flags = Flags(v)
		*seen |= 2
	case "mnt_id":
		var v int64
		v, err = strconv.ParseInt(value, 10, 32)
		in.MntID = int(v)
	case "ino":
		in.Ino, err = strconv.ParseUint(value, 10, 64)
	case "eventfd-count":
		in.eventfd().Count, err = strconv.ParseUint(value, 16, 64)
	case "eventfd-id":
		var v int64
		v, err = strconv.ParseInt(value, 10, 32)
		in.eventfd().ID = int(v)
	case "eventfd-semaphore":
		var v uint64
		v, err = strconv.ParseUint(value, 10, 8)
		in.eventfd().Semaphore = v != 0
	case "clockid":
		var v int64
		v, err = strconv.ParseInt(value, 10, 32)
		in.timerfd().ClockID = int(v)
	case "ticks":
		in.timerfd().Ticks, err = strconv.ParseUint(value, 10, 64)
	case "settime flags":
		var v uint64
		v, err = strconv.ParseUint(value, 8, 32)
		in.timerfd().SettimeFlags = int(v)
	case "it_value":
		t := in.timerfd()
		t.ValueSec, t.ValueNsec, err = parsePair(value)
	case "it_interval":
		t := in.timerfd()
		t.IntervalSec, t.IntervalNsec, err = parsePair(value)
	case "sigmask":
		in.Signalfd = &SignalfdInfo{}
		in.Signalfd.Sigmask, err = strconv.ParseUint(value, 16, 64)
	case "Pid":
		var v int64
		v, err = strconv.ParseInt(value, 10, 32)
		in.pidfd().PID = int(v)
	case "NSpid":
		p := in.pidfd()
		p.NSPID = []int{}
		for f := range strings.FieldsSeq(value) {
			var v int64
			if v, err = strconv.ParseInt(f, 10, 32); err != nil {
				break
			}
			p.NSPID = append(p.NSPID, int(v))
		}
	default:
		in.Extra = append(in.Extra, Field{Name: name, Value: value})
	}
	if err != nil {
		return perr(name, value, unwrapNum(err))
	}
	return nil
}

// unwrapNum drops strconv's own copy of the input from the error text.
func unwrapNum(err error) error {
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		return ne.Err
	}
	return err
}

func (in *Info) eventfd() *EventfdInfo {
	if in.Eventfd == nil {
		in.Eventfd = &EventfdInfo{ID: -1}
	}
	return in.Eventfd
}

func (in *Info) timerfd() *TimerfdInfo {
	if in.Timerfd == nil {
		in.Timerfd = &TimerfdInfo{}
	}
	return in.Timerfd
}

func (in *Info) pidfd() *PidfdInfo {
	if in.Pidfd == nil {
		in.Pidfd = &PidfdInfo{}
	}
	return in.Pidfd
}

// parsePair parses "(sec, nsec)".
func parsePair(s string) (int64, int64, error) {
	s, ok := strings.CutPrefix(s, "(")
	if ok {
		s, ok = strings.CutSuffix(s, ")")
	}
	a, b, ok2 := strings.Cut(s, ",")
	if !ok || !ok2 {
		return 0, 0, errSyntax
	}
	x, err := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
	if err != nil {
		return 0, 0, err
	}
	y, err := strconv.ParseInt(strings.TrimSpace(b), 10, 64)
	if err != nil {
		return 0, 0, err
	}
	return x, y, nil
}

// keyValues splits "k1: v1 k2:v2 ..." where a value may be separated from
// its key by blanks (the kernel pads with %8d). It calls fn for each pair in
// order and stops at the first error.
func keyValues(s string, fn func(k, v string) error) error {
	fields := strings.Fields(s)
	for i := 0; i < len(fields); i++ {
		k, v, ok := strings.Cut(fields[i], ":")
		if !ok {
			return perr("field", fields[i], errSyntax)
		}
		if v == "" {
			if i+1 >= len(fields) {
				return perr(k, "", errMissing)
			}
			i++
			v = fields[i]
		}
		if err := fn(k, v); err != nil {
			return perr(k, v, unwrapNum(err))
		}
	}
	return nil
}

// parseEpollLine parses
// "tfd: %8d events: %8x data: %16llx  pos:%lli ino:%lx sdev:%x".
func parseEpollLine(line string) (EpollTarget, error) {
	var t EpollTarget
	var n uint8
	err := keyValues(line, func(k, v string) error {
		var err error
		switch k {
		case "tfd":
			var x int64
			x, err = strconv.ParseInt(v, 10, 32)
			t.FD = int(x)
			n |= 1
		case "events":
			var x uint64
			x, err = strconv.ParseUint(v, 16, 32)
			t.Events = uint32(x)
		case "data":
			t.Data, err = strconv.ParseUint(v, 16, 64)
		case "pos":
			t.Pos, err = strconv.ParseInt(v, 10, 64)
		case "ino":
			t.Ino, err = strconv.ParseUint(v, 16, 64)
		case "sdev":
			t.Sdev, err = strconv.ParseUint(v, 16, 64)
		}
		return err
	})
	if err != nil {
		return EpollTarget{}, err
	}
	return t, nil
}

// parseInotifyLine parses "inotify wd:%x ino:%lx sdev:%x mask:%x
// ignored_mask:%x" followed by optional file-handle fields kept as text.
func parseInotifyLine(line string) (InotifyWatch, error) {
	var w InotifyWatch
	rest := strings.TrimPrefix(line, "inotify ")
	if i := strings.Index(rest, "fhandle-bytes:"); i >= 0 {
		w.FHandle = strings.TrimSpace(rest[i:])
		rest = rest[:i]
	}
	err := keyValues(rest, func(k, v string) error {
		var err error
		var x uint64
		switch k {
		case "wd":
			x, err = strconv.ParseUint(v, 16, 31)
			w.WD = int(x)
		case "ino":
			w.Ino, err = strconv.ParseUint(v, 16, 64)
		case "sdev":
			w.Sdev, err = strconv.ParseUint(v, 16, 64)
		case "mask":
			x, err = strconv.ParseUint(v, 16, 32)
			w.Mask = uint32(x)
		case "ignored_mask":
			x, err = strconv.ParseUint(v, 16, 32)
			w.IgnoredMask = uint32(x)
		}
		return err
	})
	if err != nil {
		return InotifyWatch{}, err
	}
	return w, nil
}
