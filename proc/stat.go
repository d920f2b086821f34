package proc

import (
	"bytes"
	"strconv"
)

// procfs's ProcStat cannot read from an fs.FS, keeps State as a string,
// reads /proc/stat behind the caller's back for StartTime, and parses each
// field through a string conversion; ParseStat is a pure, allocation-light
// parser of the same file.

// Stat is the content of /proc/PID/stat (and /proc/PID/task/TID/stat). The
// fields keep the kernel's order and units: times are in clock ticks
// (USER_HZ), StartTime in clock ticks since boot, VSize in bytes, RSS in
// pages. See proc(5).
type Stat struct {
	PID        int
	Comm       string // raw bytes, between the first '(' and the last ')'
	State      State
	PPID       int
	PGRP       int
	Session    int
	TTYNr      int
	TPGID      int
	Flags      uint32 // PF_* flags; see IsKernelThread
	MinFlt     uint64
	CMinFlt    uint64
	MajFlt     uint64
	CMajFlt    uint64
	UTime      uint64
	STime      uint64
	CUTime     int64
	CSTime     int64
	Priority   int64
	Nice       int64
	NumThreads int
	StartTime  uint64
	VSize      uint64
	RSS        uint64
	RSSLimit   uint64
	ExitSignal int
	Processor  int
	RTPriority uint32
	Policy     uint32
}

// pfKthread is PF_KTHREAD from include/linux/sched.h.
const pfKthread = 0x00200000

// IsKernelThread reports whether the task is a kernel thread (PF_KTHREAD).
func (s Stat) IsKernelThread() bool { return s.Flags&pfKthread != 0 }

// State is the one-letter scheduling state of a task.
type State byte

// States as the kernel prints them (fs/proc/array.c).
const (
	Running     State = 'R'
	Sleeping    State = 'S'
	DiskSleep   State = 'D'
	Stopped     State = 'T'
	TracingStop State = 't'
	Dead        State = 'X'
	Zombie      State = 'Z'
	Parked      State = 'P'
	Idle        State = 'I'
)

var stateNames = map[State]string{
	Running:     "running",
	Sleeping:    "sleeping",
	DiskSleep:   "disk sleep",
	Stopped:     "stopped",
	TracingStop: "tracing stop",
	Dead:        "dead",
	Zombie:      "zombie",
	Parked:      "parked",
	Idle:        "idle",
}

// String returns the kernel's name for the state, such as "sleeping".
func (s State) String() string {
	if n, ok := stateNames[s]; ok {
		return n
	}
	return "unknown (" + strconv.QuoteRune(rune(s)) + ")"
}

// Letter returns the state as the one-letter string ps shows.
func (s State) Letter() string { return string(rune(s)) }

// ParseStat parses the content of a stat file. The command name may hold
// any byte, spaces and ')' included, so the line is cut at the last ')'.
// Fields the kernel added after policy are ignored.
func ParseStat(b []byte) (Stat, error) {
	var s Stat
	open := bytes.IndexByte(b, '(')
	close := bytes.LastIndexByte(b, ')')
	if open < 1 || close < open {
		return Stat{}, parseErr("comm", string(b), errSyntax)
	}
	pid, ok := atoi(bytes.TrimSpace(b[:open]))
	if !ok {
		return Stat{}, parseErr("pid", string(b[:open]), errSyntax)
	}
	s.PID = int(pid)
	s.Comm = string(b[open+1 : close])
	rest := b[close+1:]
	f := fieldScanner{rest: rest}
	st := f.next()
	if len(st) != 1 {
		return Stat{}, parseErr("state", string(st), errSyntax)
	}
	s.State = State(st[0])
	var err error
	ints := []struct {
		name string
		dst  *int
	}{{"ppid", &s.PPID}, {"pgrp", &s.PGRP}, {"session", &s.Session}, {"tty_nr", &s.TTYNr}, {"tpgid", &s.TPGID}}
	for _, x := range ints {
		*x.dst, err = f.int(x.name)
		if err != nil {
			return Stat{}, err
		}
	}
	flags, err := f.uint("flags")
	if err != nil {
		return Stat{}, err
	}
	s.Flags = uint32(flags)
	for _, x := range []struct {
		name string
		dst  *uint64
	}{{"minflt", &s.MinFlt}, {"cminflt", &s.CMinFlt}, {"majflt", &s.MajFlt}, {"cmajflt", &s.CMajFlt}, {"utime", &s.UTime}, {"stime", &s.STime}} {
		if *x.dst, err = f.uint(x.name); err != nil {
			return Stat{}, err
		}
	}
	for _, x := range []struct {
		name string
		dst  *int64
	}{{"cutime", &s.CUTime}, {"cstime", &s.CSTime}, {"priority", &s.Priority}, {"nice", &s.Nice}} {
		if *x.dst, err = f.int64(x.name); err != nil {
			return Stat{}, err
		}
	}
	if s.NumThreads, err = f.int("num_threads"); err != nil {
		return Stat{}, err
	}
	if _, err = f.int64("itrealvalue"); err != nil {
		return Stat{}, err
	}
	for _, x := range []struct {
		name string
		dst  *uint64
	}{{"starttime", &s.StartTime}, {"vsize", &s.VSize}, {"rss", &s.RSS}, {"rsslim", &s.RSSLimit}} {
		if *x.dst, err = f.uint(x.name); err != nil {
			return Stat{}, err
		}
	}
	// startcode … cnswap: addresses and obsolete counters, not kept.
	for _, name := range []string{"startcode", "endcode", "startstack", "kstkesp", "kstkeip", "signal", "blocked", "sigignore", "sigcatch", "wchan", "nswap", "cnswap"} {
		if _, err = f.uint(name); err != nil {
			return Stat{}, err
		}
	}
	if s.ExitSignal, err = f.int("exit_signal"); err != nil {
		return Stat{}, err
	}
	if s.Processor, err = f.int("processor"); err != nil {
		return Stat{}, err
	}
	rt, err := f.uint("rt_priority")
	if err != nil {
		return Stat{}, err
	}
	pol, err := f.uint("policy")
	if err != nil {
		return Stat{}, err
	}
	s.RTPriority, s.Policy = uint32(rt), uint32(pol)
	return s, nil
}

// fieldScanner walks space-separated fields without allocating.
type fieldScanner struct{ rest []byte }

func (f *fieldScanner) next() []byte {
	r := f.rest
	for len(r) > 0 && r[0] == ' ' {
		r = r[1:]
	}
	i := 0
	for i < len(r) && r[i] != ' ' && r[i] != '\n' {
		i++
	}
	tok := r[:i]
	f.rest = r[i:]
	if len(f.rest) > 0 && f.rest[0] == '\n' {
		f.rest = f.rest[1:]
	}
	return tok
}

func (f *fieldScanner) uint(name string) (uint64, error) {
	tok := f.next()
	if len(tok) == 0 {
		return 0, parseErr(name, "", errTruncated)
	}
	v, ok := atou(tok)
	if !ok {
		return 0, parseErr(name, string(tok), errSyntax)
	}
	return v, nil
}

func (f *fieldScanner) int64(name string) (int64, error) {
	tok := f.next()
	if len(tok) == 0 {
		return 0, parseErr(name, "", errTruncated)
	}
	v, ok := atoi(tok)
	if !ok {
		return 0, parseErr(name, string(tok), errSyntax)
	}
	return v, nil
}

func (f *fieldScanner) int(name string) (int, error) {
	v, err := f.int64(name)
	return int(v), err
}

// atou parses a decimal unsigned integer; it fails on overflow.
func atou(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (1<<64-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// atoi parses a decimal integer with an optional sign.
func atoi(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	u, ok := atou(b)
	if !ok {
		return 0, false
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > 1<<63-1 {
		return 0, false
	}
	return int64(u), true
}

func readStat(f *FS, name string) (Stat, error) {
	b, err := f.ReadFile(name)
	if err != nil {
		return Stat{}, err
	}
	s, err := ParseStat(b)
	if err != nil {
		return Stat{}, withPath(err, name)
	}
	return s, nil
}
