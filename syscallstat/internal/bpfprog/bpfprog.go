//go:build linux

// Package bpfprog builds, loads and attaches the eBPF programs of the
// syscallstat eBPF backend, written with github.com/cilium/ebpf's asm
// package (no C compiler, no object files).
//
// Five programs on raw tracepoints (which need neither tracefs nor BTF to
// attach; the two syscall programs are BTF-typed raw tracepoints, tp_btf,
// where the kernel has them, see [Objects.BTF]) keep their state in maps:
//
//   - states (mmapable array of one element, a byte per pid up to
//     pid_max): the state of every id, 0 when it is not traced; [Pending]
//     for the launch trampoline, which counts nothing until its execve,
//     [Traced] after. Every syscall of every process on the machine reads
//     its byte, addressed directly (no lookup, no hash), so an untraced
//     call pays the least and a traced one goes straight to counting. A
//     byte is written by a plain store (each id has its own): by the
//     programs on fork, exec and exit, and by user space through the
//     mapping.
//   - procs (hash, id -> state when marked): the set of traced ids (thread
//     groups, or threads, see [Config.Follow]), which user space lists;
//     entered and removed together with the state byte.
//   - starts (hash, tid -> entry time and number), with time only.
//   - stats (hash, {tgid, tid, nr, abi} -> calls, errors, nanoseconds).
//     Only the thread itself ever writes its keys, so plain adds are
//     exact.
//   - counters (array): events that lost data (full maps, unreadable
//     registers) and execs of the launch trampoline.
//
// Programs:
//
//   - sys_enter (time only): stores the entry time of a traced thread's call.
//   - sys_exit: counts the call (number from the entry record, else read
//     from pt_regs: calls denied by seccomp never reach sys_enter), its
//     error (a return value in -4095..-1) and its wall-clock time.
//   - sched_process_fork (with Follow): a traced process's new child
//     process is traced from its first instruction (the tracepoint fires in
//     the parent before the child runs).
//   - sched_process_exec: a pending launcher becomes traced (its execve is
//     counted, as strace counts it); an exec from a non-leader thread moves
//     the entry record to the thread's new tid (the thread group id).
//   - sched_process_exit: drops the thread's entry record and, when the
//     thread group is dead (task->signal->live is 0), the process.
package bpfprog

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// States of a procs entry.
const (
	// Pending is the launch trampoline, marked by user space: nothing is
	// counted until its execve. An exec counts only once the process has
	// been seen in a system call since it was marked (PendingSeen): the
	// mark can land between the end of the trampoline's own exec (which
	// releases the vfork parent) and that exec's sched_process_exec.
	Pending     uint32 = 1
	Traced      uint32 = 2
	PendingSeen uint32 = 3
)

// Indexes of the counters map.
const (
	CounterStatsFull  = iota // a call not counted: the stats map was full
	CounterStartsFull        // an entry time not stored: its call is counted without time
	CounterProcsFull         // a new process not followed: the procs map was full
	CounterNoNumber          // a call not counted: its number could not be read
	CounterExecs             // pending launchers that exec'd
	numCounters
)

// Config selects the programs and map sizes.
type Config struct {
	// Follow keys procs by thread group and follows new processes;
	// without it procs is keyed by thread id and nothing is followed.
	Follow bool
	// Time adds the sys_enter program and measures wall-clock time.
	Time bool
	// Cgroup, if not nil, is an open cgroup v2 directory: a process in it
	// (or below) that forks or execs is traced from then on.
	Cgroup *os.File
	// ForkNrs are the numbers of the calls that create a process or
	// thread (clone, clone3, fork, vfork): a new task's first return to
	// user space passes sys_exit with its parent's call and 0, which
	// strace does not count (it is no call of the child's), so neither
	// do the programs.
	ForkNrs []int32
	// CompatForkNrs are the same calls' numbers in the compat (32-bit)
	// table.
	CompatForkNrs []int32
	// RawTracepoints loads every program as a raw tracepoint, the
	// syscall programs too (which are otherwise tp_btf programs where the
	// kernel has them): BPF_PROG_TEST_RUN runs raw tracepoints only.
	RawTracepoints bool
	// Map sizes; zero picks the defaults.
	MaxProcs, MaxThreads, MaxStats int
	// Offsets of kernel structure fields; zero reads them from the
	// kernel's BTF (see [KernelOffsets]).
	Offsets *Offsets
}

// Offsets are the byte offsets of the kernel structure fields the programs
// read with bpf_probe_read_kernel.
type Offsets struct {
	TaskTgid    int32 // task_struct.tgid
	TaskSignal  int32 // task_struct.signal
	SignalLive  int32 // signal_struct.live
	RegsSyscall int32 // pt_regs.orig_ax (x86) or pt_regs.syscallno (arm64)
	RegsMode    int32 // pt_regs.cs (x86) or pt_regs.pstate (arm64): a compat call's mark
}

// kernelTypes is the running kernel's BTF, decoded once per process (about
// 20 ms; the file is mapped, not copied: a few MiB of heap), for the
// offsets and the tp_btf programs' targets alike.
var kernelTypes = btf.NewCache()

// KernelOffsets reads the offsets from the running kernel's BTF
// (/sys/kernel/btf/vmlinux).
func KernelOffsets() (*Offsets, error) {
	spec, err := kernelTypes.Kernel()
	if err != nil {
		return nil, fmt.Errorf("kernel BTF: %w", err)
	}
	var o Offsets
	regsField, modeField := "orig_ax", "cs"
	if runtime.GOARCH == "arm64" {
		regsField, modeField = "syscallno", "pstate"
	}
	for _, f := range []struct {
		out           *int32
		struc, member string
	}{
		{&o.TaskTgid, "task_struct", "tgid"},
		{&o.TaskSignal, "task_struct", "signal"},
		{&o.SignalLive, "signal_struct", "live"},
		{&o.RegsSyscall, "pt_regs", regsField},
		{&o.RegsMode, "pt_regs", modeField},
	} {
		var s *btf.Struct
		if err := spec.TypeByName(f.struc, &s); err != nil {
			return nil, fmt.Errorf("kernel BTF: struct %s: %w", f.struc, err)
		}
		off, ok := memberOffset(s.Members, f.member)
		if !ok {
			return nil, fmt.Errorf("kernel BTF: struct %s has no member %s", f.struc, f.member)
		}
		*f.out = int32(off)
	}
	return &o, nil
}

// cachedOffsets reads the offsets once per process.
var cachedOffsets = sync.OnceValues(KernelOffsets)

// memberOffset finds name in members, looking into anonymous structs and
// unions (pt_regs wraps its registers in one on arm64).
func memberOffset(members []btf.Member, name string) (uint32, bool) {
	for _, m := range members {
		if m.Name == name {
			return m.Offset.Bytes(), true
		}
		if m.Name != "" {
			continue
		}
		var inner []btf.Member
		switch t := btf.UnderlyingType(m.Type).(type) {
		case *btf.Struct:
			inner = t.Members
		case *btf.Union:
			inner = t.Members
		}
		if off, ok := memberOffset(inner, name); ok {
			return m.Offset.Bytes() + off, true
		}
	}
	return 0, false
}

// Objects are the loaded maps and programs.
type Objects struct {
	cfg                      Config
	Procs, States, Starts    *ebpf.Map
	Stats, Counters, Cgroups *ebpf.Map
	Enter, Exit, Fork, Exec  *ebpf.Program
	ExitProc                 *ebpf.Program
	states                   []byte // the states' mapping: states[id] is id's state
	links                    []link.Link
}

// BTF reports whether the syscall programs are tp_btf programs (else raw
// tracepoints).
func (o *Objects) BTF() bool { return o.Exit.Type() == ebpf.Tracing }

// StatsKey is the key of the stats map. ABI is 0 for a native call, 1 for
// a compat (32-bit) one, whose Nr is in the compat table.
type StatsKey struct {
	Tgid, Tid, Nr, ABI uint32
}

// StatsValue is the value of the stats map.
type StatsValue struct {
	Calls, Errors, Nanos uint64
}

// StartValue is the value of the starts map.
type StartValue struct {
	Nanos   uint64
	Nr, ABI uint32
}

func pidMax() int {
	b, err := os.ReadFile("/proc/sys/kernel/pid_max")
	if err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && n > 0 {
			return n
		}
	}
	return 1 << 22 // PID_MAX_LIMIT on 64-bit
}

// Load creates the maps and loads the programs (nothing is attached).
// A verifier rejection is returned as is: errors.As finds the
// *ebpf.VerifierError with the whole log.
func Load(cfg Config) (o *Objects, err error) {
	if cfg.Offsets == nil {
		if cfg.Offsets, err = cachedOffsets(); err != nil {
			return nil, err
		}
	}
	cfg.MaxProcs = cmpOr(cfg.MaxProcs, 8192)
	cfg.MaxThreads = cmpOr(cfg.MaxThreads, 32768)
	cfg.MaxStats = cmpOr(cfg.MaxStats, 32768)
	o = &Objects{cfg: cfg}
	nStates := (pidMax() + 7) &^ 7
	defer func() {
		if err != nil {
			o.Close()
		}
	}()
	newMap := func(name string, typ ebpf.MapType, k, v, n uint32, flags uint32) (*ebpf.Map, error) {
		m, err := ebpf.NewMap(&ebpf.MapSpec{Name: name, Type: typ, KeySize: k, ValueSize: v, MaxEntries: n, Flags: flags})
		if err != nil {
			return nil, fmt.Errorf("map %s: %w", name, err)
		}
		return m, nil
	}
	if o.Procs, err = newMap("pscope_procs", ebpf.Hash, 4, 4, uint32(cfg.MaxProcs), 0); err != nil {
		return nil, err
	}
	// One element holding every state: the programs address a byte
	// directly (BPF_PSEUDO_MAP_VALUE), without a lookup. At most 4 MiB
	// (pid_max's limit), which is what an array value may be.
	if o.States, err = newMap("pscope_states", ebpf.Array, 4, uint32(nStates), 1, unix.BPF_F_MMAPABLE); err != nil {
		return nil, err
	}
	if o.states, err = unix.Mmap(o.States.FD(), 0, nStates, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED); err != nil {
		return nil, fmt.Errorf("map pscope_states: mmap: %w", err)
	}
	if o.Stats, err = newMap("pscope_stats", ebpf.Hash, 16, 24, uint32(cfg.MaxStats), 0); err != nil {
		return nil, err
	}
	if o.Counters, err = newMap("pscope_counters", ebpf.Array, 4, 8, numCounters, 0); err != nil {
		return nil, err
	}
	if cfg.Time {
		if o.Starts, err = newMap("pscope_starts", ebpf.Hash, 4, 16, uint32(cfg.MaxThreads), 0); err != nil {
			return nil, err
		}
	}
	if cfg.Cgroup != nil {
		if o.Cgroups, err = newMap("pscope_cgroup", ebpf.CGroupArray, 4, 4, 1, 0); err != nil {
			return nil, err
		}
		if err := o.Cgroups.Put(uint32(0), uint32(cfg.Cgroup.Fd())); err != nil {
			return nil, fmt.Errorf("map pscope_cgroup: %w", err)
		}
	}
	load := func(name string, insns asm.Instructions) (*ebpf.Program, error) {
		p, err := ebpf.NewProgramWithOptions(&ebpf.ProgramSpec{
			Name: name, Type: ebpf.RawTracepoint, License: "GPL", Instructions: insns,
		}, ebpf.ProgramOptions{LogSizeStart: 1 << 16})
		if err != nil {
			return nil, fmt.Errorf("program %s: %w", name, err)
		}
		return p, nil
	}
	b := o.builder()
	// The syscall programs are tp_btf programs where the kernel has them
	// (5.5+ with BTF), which read the registers with loads; else raw
	// tracepoints, which call bpf_probe_read_kernel. Both are built
	// alike: the first load decides for both.
	tryBTF := !cfg.RawTracepoints
	syscallProg := func(name, tp string, build func() asm.Instructions) (*ebpf.Program, error) {
		if tryBTF {
			b.btf = true
			// A collection of one, for its Cache: a lone program would
			// decode the kernel's BTF again to find its target.
			var p *ebpf.Program
			coll, err := ebpf.NewCollectionWithOptions(&ebpf.CollectionSpec{Programs: map[string]*ebpf.ProgramSpec{
				name: {
					Name: name, Type: ebpf.Tracing, AttachType: ebpf.AttachTraceRawTp, AttachTo: tp,
					License: "GPL", Instructions: build(),
				},
			}}, ebpf.CollectionOptions{Programs: ebpf.ProgramOptions{LogSizeStart: 1 << 16}, Cache: kernelTypes})
			if err == nil {
				p = coll.DetachProgram(name)
				coll.Close()
			}
			b.btf = false
			var ve *ebpf.VerifierError
			if err == nil || errors.As(err, &ve) && len(ve.Log) > 0 {
				if err != nil {
					err = fmt.Errorf("program %s (tp_btf): %w", name, err) // our bug: the whole log
				}
				return p, err
			}
			tryBTF = false // no tp_btf here
		}
		return load(name, build())
	}
	if cfg.Time {
		if o.Enter, err = syscallProg("pscope_enter", "sys_enter", b.sysEnter); err != nil {
			return nil, err
		}
	}
	if o.Exit, err = syscallProg("pscope_exit", "sys_exit", b.sysExit); err != nil {
		return nil, err
	}
	if o.Enter != nil && o.Enter.Type() != o.Exit.Type() {
		return nil, fmt.Errorf("program pscope_enter is a %v, pscope_exit a %v", o.Enter.Type(), o.Exit.Type())
	}
	if cfg.Follow || cfg.Cgroup != nil {
		if o.Fork, err = load("pscope_fork", b.fork()); err != nil {
			return nil, err
		}
	}
	if o.Exec, err = load("pscope_exec", b.exec()); err != nil {
		return nil, err
	}
	if o.ExitProc, err = load("pscope_pexit", b.procExit()); err != nil {
		return nil, err
	}
	return o, nil
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// Programs returns the loaded programs by tracepoint name.
func (o *Objects) Programs() map[string]*ebpf.Program {
	m := map[string]*ebpf.Program{}
	for name, p := range map[string]*ebpf.Program{
		"sys_enter": o.Enter, "sys_exit": o.Exit, "sched_process_fork": o.Fork,
		"sched_process_exec": o.Exec, "sched_process_exit": o.ExitProc,
	} {
		if p != nil {
			m[name] = p
		}
	}
	return m
}

// Attach attaches the programs: the process hooks first, so that no fork
// of a process marked after it is missed.
func (o *Objects) Attach() error {
	for _, tp := range []struct {
		name string
		p    *ebpf.Program
	}{
		{"sched_process_exit", o.ExitProc}, {"sched_process_exec", o.Exec}, {"sched_process_fork", o.Fork},
		{"sys_enter", o.Enter}, {"sys_exit", o.Exit},
	} {
		if tp.p == nil {
			continue
		}
		var l link.Link
		var err error
		if tp.p.Type() == ebpf.Tracing {
			l, err = link.AttachTracing(link.TracingOptions{Program: tp.p, AttachType: ebpf.AttachTraceRawTp})
		} else {
			l, err = link.AttachRawTracepoint(link.RawTracepointOptions{Name: tp.name, Program: tp.p})
		}
		if err != nil {
			return fmt.Errorf("attach raw tracepoint %s: %w", tp.name, err)
		}
		o.links = append(o.links, l)
	}
	return nil
}

// Detach detaches every program; the maps stay readable.
func (o *Objects) Detach() {
	for _, l := range o.links {
		l.Close()
	}
	o.links = nil
}

// Close detaches and frees everything.
func (o *Objects) Close() {
	o.Detach()
	if o.states != nil {
		unix.Munmap(o.states)
		o.states = nil
	}
	for _, p := range []*ebpf.Program{o.Enter, o.Exit, o.Fork, o.Exec, o.ExitProc} {
		if p != nil {
			p.Close()
		}
	}
	for _, m := range []*ebpf.Map{o.Procs, o.States, o.Starts, o.Stats, o.Counters, o.Cgroups} {
		if m != nil {
			m.Close()
		}
	}
}

// Mark traces id (a thread group with Follow, else a thread) in state.
func (o *Objects) Mark(id int, state uint32) error {
	if id <= 0 {
		return fmt.Errorf("invalid id %d", id)
	}
	if id >= len(o.states) {
		return fmt.Errorf("id %d is above pid_max", id)
	}
	if err := o.Procs.Update(uint32(id), state, ebpf.UpdateAny); err != nil {
		return fmt.Errorf("map pscope_procs: %w", err)
	}
	// One byte store: the programs store the neighbouring ids' bytes
	// concurrently, and a store never touches them.
	o.states[id] = byte(state)
	return nil
}

// Unmark stops tracing id.
func (o *Objects) Unmark(id int) {
	if id > 0 && id < len(o.states) {
		o.states[id] = 0
	}
	o.Procs.Delete(uint32(id))
}

// State returns the state of id, 0 if it is not traced.
func (o *Objects) State(id int) uint32 {
	if id <= 0 || id >= len(o.states) {
		return 0
	}
	return uint32(o.states[id])
}

// IDs returns the traced ids.
func (o *Objects) IDs() []int {
	var ids []int
	var k, v uint32
	it := o.Procs.Iterate()
	for it.Next(&k, &v) {
		ids = append(ids, int(k))
	}
	return ids
}

// Empty reports whether no id is traced any more.
func (o *Objects) Empty() bool {
	var k uint32
	err := o.Procs.NextKey(nil, &k)
	return errors.Is(err, ebpf.ErrKeyNotExist)
}

// Counter returns counter i.
func (o *Objects) Counter(i int) uint64 {
	var v uint64
	o.Counters.Lookup(uint32(i), &v)
	return v
}

// RecursionMisses returns the runs the kernel skipped because another
// eBPF program was running on the CPU (Linux 5.12+; 0 before).
func (o *Objects) RecursionMisses() uint64 {
	var n uint64
	for _, p := range o.Programs() {
		if st, err := p.Stats(); err == nil {
			n += st.RecursionMisses
		}
	}
	return n
}

// Each calls f for every stats entry.
func (o *Objects) Each(f func(StatsKey, StatsValue)) error {
	var k StatsKey
	var v StatsValue
	it := o.Stats.Iterate()
	for it.Next(&k, &v) {
		f(k, v)
	}
	return it.Err()
}
