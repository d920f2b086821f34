package proc

import (
	"bytes"
	"strconv"

	"github.com/procscope/procscope/internal/num"
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
	pid, ok := num.Int(bytes.TrimSpace(b[:open]))
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
	f.int(&s.PPID, "ppid")
	f.int(&s.PGRP, "pgrp")
	f.int(&s.Session, "session")
	f.int(&s.TTYNr, "tty_nr")
	f.int(&s.TPGID, "tpgid")
	var flags, rt, policy uint64
	f.uint(&flags, "flags")
	f.uint(&s.MinFlt, "minflt")
	f.uint(&s.CMinFlt, "cminflt")
	f.uint(&s.MajFlt, "majflt")
	f.uint(&s.CMajFlt, "cmajflt")
	f.uint(&s.UTime, "utime")
	f.uint(&s.STime, "stime")
	f.int64(&s.CUTime, "cutime")
	f.int64(&s.CSTime, "cstime")
	f.int64(&s.Priority, "priority")
	f.int64(&s.Nice, "nice")
	f.int(&s.NumThreads, "num_threads")
	f.skip("itrealvalue")
	f.uint(&s.StartTime, "starttime")
	f.uint(&s.VSize, "vsize")
	f.uint(&s.RSS, "rss")
	f.uint(&s.RSSLimit, "rsslim")
	// startcode … cnswap: addresses and obsolete counters, not kept.
	for _, name := range skippedStatFields {
		f.skip(name)
	}
	f.int(&s.ExitSignal, "exit_signal")
	f.int(&s.Processor, "processor")
	f.uint(&rt, "rt_priority")
	f.uint(&policy, "policy")
	if f.err != nil {
		return Stat{}, f.err
	}
	s.Flags, s.RTPriority, s.Policy = uint32(flags), uint32(rt), uint32(policy)
	return s, nil
}

var skippedStatFields = [...]string{"startcode", "endcode", "startstack", "kstkesp", "kstkeip", "signal", "blocked", "sigignore", "sigcatch", "wchan", "nswap", "cnswap"}

// fieldScanner walks space-separated fields without allocating.
type fieldScanner struct {
	rest []byte
	err  error
}

func (f *fieldScanner) next() []byte {
	r := f.rest
	for len(r) > 0 && (r[0] == ' ' || r[0] == '\t') {
		r = r[1:]
	}
	i := 0
	for i < len(r) && r[i] != ' ' && r[i] != '\t' && r[i] != '\n' {
		i++
	}
	tok := r[:i]
	f.rest = r[i:]
	if len(f.rest) > 0 && f.rest[0] == '\n' {
		f.rest = f.rest[1:]
	}
	return tok
}

// The scanner keeps the first error, so a parser reads every field in
// turn and checks once at the end.

func (f *fieldScanner) token(name string) []byte {
	if f.err != nil {
		return nil
	}
	tok := f.next()
	if len(tok) == 0 {
		f.err = parseErr(name, "", errTruncated)
		return nil
	}
	return tok
}

func (f *fieldScanner) uint(dst *uint64, name string) {
	if tok := f.token(name); tok != nil {
		v, ok := num.Uint(tok)
		if !ok {
			f.err = parseErr(name, string(tok), errSyntax)
		}
		*dst = v
	}
}

func (f *fieldScanner) int64(dst *int64, name string) {
	if tok := f.token(name); tok != nil {
		v, ok := num.Int(tok)
		if !ok {
			f.err = parseErr(name, string(tok), errSyntax)
		}
		*dst = v
	}
}

func (f *fieldScanner) int(dst *int, name string) {
	var v int64
	f.int64(&v, name)
	*dst = int(v)
}

func (f *fieldScanner) skip(name string) { f.token(name) }

func readStat(f *FS, name string) (s Stat, err error) {
	err = f.parseFile(name, func(b []byte) error {
		s, err = ParseStat(b)
		return err
	})
	return s, err
}
