//go:build linux

package bpfprog

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"runtime"
	"syscall"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"golang.org/x/sys/unix"
)

// TestAtomicEncoding pins the cilium/ebpf asm trap: an atomic operation's
// code lives in the instruction's immediate, and v0.22.0's encoder writes
// the immediate before deriving it from the opcode, so OrAtomic.Mem
// marshals as BPF_ADD. Atomic sets it by hand.
func TestAtomicEncoding(t *testing.T) {
	imm := func(ins asm.Instruction) uint32 {
		var b bytes.Buffer
		if _, err := ins.Marshal(&b, binary.LittleEndian); err != nil {
			t.Fatal(err)
		}
		return binary.LittleEndian.Uint32(b.Bytes()[4:8])
	}
	for _, c := range []struct {
		op   asm.AtomicOp
		want uint32
	}{
		{asm.AddAtomic, 0x00}, {asm.OrAtomic, 0x40}, {asm.AndAtomic, 0x50}, {asm.XorAtomic, 0xa0},
		{asm.FetchAdd, 0x01}, {asm.FetchOr, 0x41},
	} {
		if got := imm(Atomic(c.op, asm.R0, asm.R1, asm.DWord, 0)); got != c.want {
			t.Errorf("Atomic(%v) imm = %#x, want %#x", c.op, got, c.want)
		}
		if got := imm(c.op.Mem(asm.R0, asm.R1, asm.DWord, 0)); got != c.want {
			t.Logf("cilium/ebpf still encodes %v.Mem with imm %#x (want %#x): Atomic's workaround is needed", c.op, got, c.want)
		}
	}
}

// checkAtomics fails if an atomic instruction of o's programs does not
// carry its operation in the immediate (see TestAtomicEncoding).
func checkAtomics(t *testing.T, o *Objects) {
	b := o.builder()
	progs := map[string]asm.Instructions{"exit": b.sysExit(), "exec": b.exec(), "pexit": b.procExit()}
	if o.cfg.Time {
		progs["enter"] = b.sysEnter()
	}
	if o.cfg.Follow || o.cfg.Cgroup != nil {
		progs["fork"] = b.fork()
	}
	for name, insns := range progs {
		for i, ins := range insns {
			if ins.OpCode.Class() == asm.StXClass && ins.OpCode.Mode() == asm.AtomicMode {
				if op := ins.OpCode.AtomicOp(); ins.Constant != int64(uint32(op)>>8) {
					t.Errorf("%s: instruction %d %v: imm %#x does not encode %v", name, i, ins, ins.Constant, op)
				}
			}
		}
	}
}

// load loads cfg or skips the test without the privileges.
// load loads cfg's programs as raw tracepoints, which BPF_PROG_TEST_RUN
// can run; loadAs as the backend would.
func load(t *testing.T, cfg Config) *Objects {
	t.Helper()
	cfg.RawTracepoints = true
	return loadAs(t, cfg)
}

func loadAs(t *testing.T, cfg Config) *Objects {
	t.Helper()
	o, err := Load(cfg)
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, unix.EPERM) {
		t.Skipf("loading eBPF programs needs CAP_BPF and CAP_PERFMON (run as root): %v", err)
	}
	var ve *ebpf.VerifierError
	if errors.As(err, &ve) {
		t.Fatalf("%+v", ve)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(o.Close)
	return o
}

func TestLoadAllConfigs(t *testing.T) {
	cg, err := os.Open("/sys/fs/cgroup/unified")
	if err != nil {
		cg, err = os.Open("/sys/fs/cgroup")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer cg.Close()
	for _, cfg := range []Config{
		{}, {Time: true}, {Follow: true}, {Follow: true, Time: true}, {Follow: true, Time: true, Cgroup: cg},
		{Follow: true, Cgroup: cg},
	} {
		o := loadAs(t, cfg)
		if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err == nil && !o.BTF() {
			t.Errorf("follow=%v time=%v: raw tracepoints on a kernel with BTF, want tp_btf", cfg.Follow, cfg.Time)
		}
		checkAtomics(t, o)
		checkAtomics(t, load(t, cfg))
		for name, p := range o.Programs() {
			info, err := p.Info()
			if err != nil {
				t.Fatal(err)
			}
			insns, _ := info.Instructions()
			t.Logf("follow=%v time=%v cgroup=%v %s: %d instructions", cfg.Follow, cfg.Time, cfg.Cgroup != nil, name, len(insns))
		}
	}
}

// run runs p once in the calling thread with the raw tracepoint arguments.
func run(t *testing.T, p *ebpf.Program, args ...uint64) {
	t.Helper()
	ctx := make([]byte, 8*len(args))
	for i, a := range args {
		binary.LittleEndian.PutUint64(ctx[8*i:], a)
	}
	if _, err := p.Run(&ebpf.RunOptions{Context: ctx}); err != nil {
		t.Fatal(err)
	}
}

func stats(t *testing.T, o *Objects) map[StatsKey]StatsValue {
	m := map[StatsKey]StatsValue{}
	if err := o.Each(func(k StatsKey, v StatsValue) { m[k] = v }); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestProgramsTestRun runs the syscall programs with BPF_PROG_TEST_RUN in
// this (locked) thread: entry and exit must see one TID.
func TestProgramsTestRun(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	o := load(t, Config{Time: true})
	tid, pid := unix.Gettid(), os.Getpid()
	minus := func(e syscall.Errno) uint64 { return uint64(-int64(e)) }

	// Not traced: nothing counted.
	run(t, o.Enter, 0, 39)
	run(t, o.Exit, 0, 7)
	if s := stats(t, o); len(s) != 0 {
		t.Fatalf("untraced thread counted: %v", s)
	}
	// Pending (the launcher): an exec before any call of its since the
	// mark is the trampoline's own (the mark raced with its end): not the
	// command's.
	if err := o.Mark(tid, Pending); err != nil {
		t.Fatal(err)
	}
	run(t, o.Exec, 0, uint64(tid), 0)
	if st, n := o.State(tid), o.Counter(CounterExecs); st != Pending || n != 0 {
		t.Fatalf("exec right after the mark: state %d execs %d, want %d and 0", st, n, Pending)
	}
	// Seen in a call: entry recorded, exit not counted.
	run(t, o.Enter, 0, 59)
	if st := o.State(tid); st != PendingSeen {
		t.Fatalf("state after a call = %d, want %d", st, PendingSeen)
	}
	run(t, o.Exit, 0, 0)
	if s := stats(t, o); len(s) != 0 {
		t.Fatalf("pending thread counted: %v", s)
	}
	// Its exec makes it traced, the execve (in flight) is counted.
	run(t, o.Exec, 0, uint64(tid), 0)
	if st := o.State(tid); st != Traced {
		t.Fatalf("state after exec = %d, want %d", st, Traced)
	}
	if n := o.Counter(CounterExecs); n != 1 {
		t.Errorf("execs counter = %d, want 1", n)
	}
	run(t, o.Enter, 0, 59)
	run(t, o.Exit, 0, 0)
	// Two calls of 39, one failing; one of 1.
	run(t, o.Enter, 0, 39)
	run(t, o.Exit, 0, 1234)
	run(t, o.Enter, 0, 39)
	run(t, o.Exit, 0, minus(unix.ENOENT))
	run(t, o.Enter, 0, 1)
	run(t, o.Exit, 0, minus(4095)) // the last error value
	run(t, o.Enter, 0, 2)
	run(t, o.Exit, 0, minus(4096)) // not an error
	s := stats(t, o)
	want := map[uint32][2]uint64{59: {1, 0}, 39: {2, 1}, 1: {1, 1}, 2: {1, 0}}
	if len(s) != len(want) {
		t.Errorf("stats %v, want %d keys", s, len(want))
	}
	for nr, w := range want {
		v, ok := s[StatsKey{Tgid: uint32(pid), Tid: uint32(tid), Nr: nr}]
		if !ok || v.Calls != w[0] || v.Errors != w[1] {
			t.Errorf("nr %d: %+v, want calls %d errors %d", nr, v, w[0], w[1])
		}
		if ok && v.Nanos == 0 {
			t.Errorf("nr %d: no time", nr)
		}
	}
	// An exit without an entry (a call denied by seccomp): the number
	// comes from pt_regs; here there are none to read, which is counted.
	run(t, o.Exit, 0, 0)
	if n := o.Counter(CounterNoNumber); n != 1 {
		t.Errorf("no-number counter = %d, want 1", n)
	}
	// The thread's end forgets it (keyed by thread without Follow).
	run(t, o.ExitProc, 0)
	if st := o.State(tid); st != 0 {
		t.Errorf("state after exit = %d, want 0", st)
	}
	// Its id reused: nothing is counted any more.
	before := len(stats(t, o))
	run(t, o.Enter, 0, 39)
	run(t, o.Exit, 0, 7)
	if n, c := len(stats(t, o)), o.Counter(CounterNoNumber); n != before || c != 1 {
		t.Errorf("after the end: %d stats keys (want %d), no-number counter %d (want 1)", n, before, c)
	}
	var sv StartValue
	if err := o.Starts.Lookup(uint32(tid), &sv); err == nil {
		t.Errorf("entry record left after exit: %+v", sv)
	}
}

// TestExecFromOtherThread: an exec from a non-leader thread moves the
// entry record (and, keyed by thread, the id) to the new tid.
func TestExecFromOtherThread(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	o := load(t, Config{Time: true})
	tid := unix.Gettid()
	old := unusedPid(t) // a tid nobody has
	if err := o.Mark(old, Traced); err != nil {
		t.Fatal(err)
	}
	if err := o.Starts.Put(uint32(old), StartValue{Nanos: 1, Nr: 59}); err != nil {
		t.Fatal(err)
	}
	run(t, o.Exec, 0, uint64(old), 0)
	if st := o.State(tid); st != Traced {
		t.Errorf("new tid state %d, want %d", st, Traced)
	}
	if st := o.State(old); st != 0 {
		t.Errorf("old tid state %d, want 0", st)
	}
	var sv StartValue
	if err := o.Starts.Lookup(uint32(tid), &sv); err != nil || sv.Nr != 59 {
		t.Errorf("entry record not moved: %+v, %v", sv, err)
	}
	if err := o.Starts.Lookup(uint32(old), &sv); err == nil {
		t.Errorf("old entry record left")
	}
	o.Unmark(tid)
}

// unusedPid returns a pid below pid_max that no task has.
func unusedPid(t *testing.T) int {
	for id := pidMax() - 1; id > 300; id-- {
		if unix.Kill(id, 0) == unix.ESRCH {
			return id
		}
	}
	t.Fatal("no free pid")
	return 0
}

// TestCountsOnlyFollow: with Follow the key is the thread group, and in
// counts-only mode there is no sys_enter program.
func TestCountsOnlyFollow(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	o := load(t, Config{Follow: true})
	if o.Enter != nil || o.Starts != nil {
		t.Fatal("counts-only mode has a sys_enter program")
	}
	// A pending process is seen at its first sys_exit.
	if err := o.Mark(os.Getpid(), Pending); err != nil {
		t.Fatal(err)
	}
	run(t, o.Exit, 0, 0)
	if st := o.State(os.Getpid()); st != PendingSeen {
		t.Errorf("state after a call = %d, want %d", st, PendingSeen)
	}
	if err := o.Mark(os.Getpid(), Traced); err != nil {
		t.Fatal(err)
	}
	run(t, o.Exit, 0, 0) // no pt_regs to read
	if n := o.Counter(CounterNoNumber); n != 1 {
		t.Errorf("no-number counter = %d, want 1", n)
	}
	// The end of a thread whose task cannot be read leaves the process.
	run(t, o.ExitProc, 0)
	if st := o.State(os.Getpid()); st != Traced {
		t.Errorf("state %d after an unreadable exit, want %d", st, Traced)
	}
	if o.Empty() {
		t.Error("Empty with one process traced")
	}
	o.Unmark(os.Getpid())
	if !o.Empty() {
		t.Error("not Empty after Unmark")
	}
}

// TestChildReturnNotCounted: a new task's first return from its parent's
// clone (0) is not a call; the parent's return (the child's pid) and a
// failed clone are.
func TestChildReturnNotCounted(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const clone = 56
	o := load(t, Config{Time: true, ForkNrs: []int32{clone, 435}})
	tid := unix.Gettid()
	if err := o.Mark(tid, Traced); err != nil {
		t.Fatal(err)
	}
	defer o.Unmark(tid)
	run(t, o.Enter, 0, clone)
	run(t, o.Exit, 0, 0) // as in the child
	run(t, o.Enter, 0, clone)
	run(t, o.Exit, 0, 12345) // the parent
	run(t, o.Enter, 0, clone)
	eagain := -int64(unix.EAGAIN)
	run(t, o.Exit, 0, uint64(eagain))
	run(t, o.Enter, 0, 3)
	run(t, o.Exit, 0, 0) // close returning 0 is a call
	s := stats(t, o)
	k := StatsKey{Tgid: uint32(os.Getpid()), Tid: uint32(tid)}
	k.Nr = clone
	if v := s[k]; v.Calls != 2 || v.Errors != 1 {
		t.Errorf("clone: %+v, want 2 calls 1 error", v)
	}
	k.Nr = 3
	if v := s[k]; v.Calls != 1 {
		t.Errorf("close: %+v, want 1 call", v)
	}
}

// TestFullMapsCounted: a call that finds the statistics map full, and an
// entry time that finds its map full, are counted, not dropped silently.
func TestFullMapsCounted(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	o := load(t, Config{Time: true, MaxStats: 2, MaxThreads: 1})
	tid := unix.Gettid()
	if err := o.Mark(tid, Traced); err != nil {
		t.Fatal(err)
	}
	defer o.Unmark(tid)
	// The starts map holds one thread: another's entry does not fit.
	if err := o.Starts.Put(uint32(4000000), StartValue{Nanos: 1}); err != nil {
		t.Fatal(err)
	}
	run(t, o.Enter, 0, 1)
	if n := o.Counter(CounterStartsFull); n != 1 {
		t.Errorf("starts-full counter = %d, want 1", n)
	}
	o.Starts.Delete(uint32(4000000))
	for _, nr := range []uint64{1, 2, 3, 3} {
		run(t, o.Enter, 0, nr)
		run(t, o.Exit, 0, 0)
	}
	if n := o.Counter(CounterStatsFull); n != 2 {
		t.Errorf("stats-full counter = %d, want 2 (both calls of the third number)", n)
	}
	if s := stats(t, o); len(s) != 2 {
		t.Errorf("stats %v, want 2 keys", s)
	}
}
