//go:build linux

package bpfprog

import (
	"runtime"
	"strconv"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

// Stack layout (offsets from the frame pointer R10):
const (
	fpKey    = -4  // u32 scratch key: procs id, starts tid, counter index
	fpKey2   = -8  // u32 second key: child tgid, the mode read from pt_regs
	fpVal4   = -12 // u32 scratch value
	fpPtr    = -16 // u64 scratch (task->signal)
	fpStatsK = -32 // StatsKey {tgid, tid, nr, pad}: -32, -28, -24, -20
	fpStatsV = -56 // StatsValue {calls, errors, nanos}: -56, -48, -40
	fpStartV = -72 // StartValue {nanos, nr, abi}: -72, -64, -60
)

// Registers kept across helper calls: R6 the context (the raw
// tracepoint's u64 arguments), R7 bpf_get_current_pid_tgid, R8 the procs
// id (then the call's time), R9 a map value or a saved value.

type builder struct {
	o      *Objects
	labels int
	// btf: the program is a BTF-typed raw tracepoint (tp_btf), whose
	// pointer arguments are read with plain loads, not helper calls.
	btf bool
}

func (o *Objects) builder() *builder { return &builder{o: o} }

func (b *builder) label(prefix string) string {
	b.labels++
	return prefix + "_" + strconv.Itoa(b.labels)
}

const (
	errnoMax  = -4095 // an error is a return value in -4095..-1
	noExist   = 1     // BPF_NOEXIST
	updateAny = 0     // BPF_ANY
)

// Atomic returns the atomic instruction `*(size *)(dst + off) op= src`,
// working around cilium/ebpf v0.22.0's encoder, which writes the
// instruction's immediate (the operation) before it derives it from the
// opcode: every atomic marshals as BPF_ADD (imm 0) unless Constant is set
// by hand. TestAtomicEncoding pins this.
func Atomic(op asm.AtomicOp, dst, src asm.Register, size asm.Size, off int16) asm.Instruction {
	ins := op.Mem(dst, src, size, off)
	ins.Constant = int64(uint32(op) >> 8)
	return ins
}

// prologue leaves R6 = ctx, R7 = pid_tgid, R8 = id (tgid with Follow,
// else tid), R0 = the address of the id's state byte and R1 = the state,
// or jumps to miss when the id is not traced. An untraced process's call
// costs this much: one helper call and a few instructions.
func (b *builder) prologue(miss string) asm.Instructions {
	insns := asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1),
		asm.FnGetCurrentPidTgid.Call(),
		asm.Mov.Reg(asm.R7, asm.R0),
	}
	if b.o.cfg.Follow {
		insns = append(insns, asm.Mov.Reg(asm.R8, asm.R7), asm.RSh.Imm(asm.R8, 32))
	} else {
		insns = append(insns, asm.Mov.Reg32(asm.R8, asm.R7))
	}
	insns = append(insns, b.stateOf(asm.R8, miss)...)
	return append(insns, asm.JEq.Imm(asm.R1, 0, miss))
}

// stateOf leaves R0 = the address of id's state byte and R1 = the state,
// or jumps to beyond when id is past the states (an id above pid_max,
// never traced). Four instructions: every call on the machine runs them.
func (b *builder) stateOf(id asm.Register, beyond string) asm.Instructions {
	return asm.Instructions{
		asm.LoadMapValue(asm.R0, b.o.States.FD(), 0),
		asm.JGE.Imm(id, int32(len(b.o.states)), beyond),
		asm.Add.Reg(asm.R0, id),
		asm.LoadMem(asm.R1, asm.R0, 0, asm.Byte),
	}
}

// setState stores the state at fpVal4 (a u32) into id's state byte, then
// goes on at next (the next instruction's symbol). Each id has a byte of
// its own: a plain store is exact, whoever writes the neighbours.
func (b *builder) setState(id asm.Register, next string) asm.Instructions {
	return append(b.stateOf(id, next),
		asm.LoadMem(asm.R1, asm.RFP, fpVal4, asm.Word),
		asm.StoreMem(asm.R0, 0, asm.R1, asm.Byte),
	)
}

// count adds one to counter i, then goes on at done (the next
// instruction's symbol).
func (b *builder) count(i int, done string) asm.Instructions {
	insns := asm.Instructions{asm.StoreImm(asm.RFP, fpKey, int64(i), asm.Word)}
	insns = append(insns, lookup(b.o.Counters, fpKey)...)
	return append(insns,
		asm.JEq.Imm(asm.R0, 0, done),
		asm.Mov.Imm(asm.R1, 1),
		Atomic(asm.AddAtomic, asm.R0, asm.R1, asm.DWord, 0),
	)
}

// keyAt loads a map helper's first two arguments: R1 = m and R2 = the
// address of the key at fp+key.
func keyAt(m *ebpf.Map, key int32) asm.Instructions {
	return asm.Instructions{
		asm.LoadMapPtr(asm.R1, m.FD()),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, key),
	}
}

// lookup calls bpf_map_lookup_elem(m, fp+key): R0 is the value or 0.
func lookup(m *ebpf.Map, key int32) asm.Instructions {
	return append(keyAt(m, key), asm.FnMapLookupElem.Call())
}

// remove calls bpf_map_delete_elem(m, fp+key).
func remove(m *ebpf.Map, key int32) asm.Instructions {
	return append(keyAt(m, key), asm.FnMapDeleteElem.Call())
}

// update calls bpf_map_update_elem(m, fp+key, fp+val, flags): R0 is 0 on
// success.
func update(m *ebpf.Map, key, val, flags int32) asm.Instructions {
	return append(keyAt(m, key),
		asm.Mov.Reg(asm.R3, asm.RFP),
		asm.Add.Imm(asm.R3, val),
		asm.Mov.Imm(asm.R4, flags),
		asm.FnMapUpdateElem.Call(),
	)
}

// at gives the first of insns the symbol sym.
func at(sym string, insns asm.Instructions) asm.Instructions {
	insns[0] = insns[0].WithSymbol(sym)
	return insns
}

func ret(out string) asm.Instructions {
	return asm.Instructions{
		asm.Mov.Imm(asm.R0, 0).WithSymbol(out),
		asm.Return(),
	}
}

// sysEnter stores the entry time, number and ABI of a traced (or pending)
// thread's call. Raw tracepoint sys_enter: (struct pt_regs *regs, long id).
// The ABI is taken at entry: an execve that changes it returns in the new
// one, and strace counts it in the table it was called in.
func (b *builder) sysEnter() asm.Instructions {
	out := b.label("out")
	insert := b.label("insert")
	seen := b.label("seen")
	insns := b.prologue(out)
	insns = append(insns,
		asm.JNE.Imm(asm.R1, int32(Pending), seen),
		asm.Mov.Imm(asm.R1, int32(PendingSeen)),
		asm.StoreMem(asm.R0, 0, asm.R1, asm.Byte),
		asm.Mov.Imm(asm.R0, 0).WithSymbol(seen),
	)
	// The ABI at fpStatsK+12, the tid as the key.
	insns = append(insns, b.abi(false)...)
	insns = append(insns, asm.StoreMem(asm.RFP, fpKey, asm.R7, asm.Word))
	insns = append(insns, lookup(b.o.Starts, fpKey)...)
	insns = append(insns,
		asm.JEq.Imm(asm.R0, 0, insert),
		asm.Mov.Reg(asm.R9, asm.R0),
		asm.LoadMem(asm.R1, asm.R6, 8, asm.DWord),
		asm.StoreMem(asm.R9, 8, asm.R1, asm.Word),
		asm.LoadMem(asm.R1, asm.RFP, fpStatsK+12, asm.Word),
		asm.StoreMem(asm.R9, 12, asm.R1, asm.Word),
		asm.FnKtimeGetNs.Call(),
		asm.StoreMem(asm.R9, 0, asm.R0, asm.DWord),
		asm.Ja.Label(out),

		asm.LoadMem(asm.R1, asm.R6, 8, asm.DWord).WithSymbol(insert),
		asm.StoreMem(asm.RFP, fpStartV+8, asm.R1, asm.Word),
		asm.LoadMem(asm.R1, asm.RFP, fpStatsK+12, asm.Word),
		asm.StoreMem(asm.RFP, fpStartV+12, asm.R1, asm.Word),
		asm.FnKtimeGetNs.Call(),
		asm.StoreMem(asm.RFP, fpStartV, asm.R0, asm.DWord),
	)
	insns = append(insns, update(b.o.Starts, fpKey, fpStartV, updateAny)...)
	insns = append(insns, asm.JEq.Imm(asm.R0, 0, out))
	insns = append(insns, b.count(CounterStartsFull, out)...)
	return append(insns, ret(out)...)
}

// sysExit counts a traced thread's call. Raw tracepoint sys_exit:
// (struct pt_regs *regs, long ret); with b.btf a tp_btf program, which reads
// the registers with a load instead of bpf_probe_read_kernel (the number
// is read so on every call in counts-only mode).
func (b *builder) sysExit() asm.Instructions {
	out := b.label("out")
	readRegs := b.label("regs")
	haveNr := b.label("nr")
	noErr := b.label("noerr")
	insert := b.label("insert")
	traced := b.label("traced")
	insns := b.prologue(out)
	insns = append(insns,
		asm.JEq.Imm(asm.R1, int32(Traced), traced),
		asm.JNE.Imm(asm.R1, int32(Pending), out),
		asm.Mov.Imm(asm.R1, int32(PendingSeen)),
		asm.StoreMem(asm.R0, 0, asm.R1, asm.Byte),
		asm.Ja.Label(out),
		asm.Mov.Imm(asm.R8, 0).WithSymbol(traced), // time in the call
	)
	if b.o.cfg.Time {
		insns = append(insns, asm.StoreMem(asm.RFP, fpKey, asm.R7, asm.Word)) // tid
		insns = append(insns, lookup(b.o.Starts, fpKey)...)
		insns = append(insns,
			asm.JEq.Imm(asm.R0, 0, readRegs),
			asm.Mov.Reg(asm.R9, asm.R0),
			asm.LoadMem(asm.R1, asm.R9, 0, asm.DWord),
			asm.JEq.Imm(asm.R1, 0, readRegs), // already used: a call that never entered
			asm.LoadMem(asm.R2, asm.R9, 8, asm.Word),
			asm.StoreMem(asm.RFP, fpStatsK+8, asm.R2, asm.Word),
			asm.LoadMem(asm.R2, asm.R9, 12, asm.Word), // the ABI at entry
			asm.StoreMem(asm.RFP, fpStatsK+12, asm.R2, asm.Word),
			asm.Mov.Reg(asm.R8, asm.R1),
			asm.FnKtimeGetNs.Call(),
			asm.Sub.Reg(asm.R0, asm.R8),
			asm.Mov.Reg(asm.R8, asm.R0),
			asm.Mov.Imm(asm.R1, 0),
			asm.StoreMem(asm.R9, 0, asm.R1, asm.DWord),
			asm.Ja.Label(haveNr),
		)
	}
	// No entry record (counts only; a call denied by seccomp, which
	// never reaches sys_enter; a call in flight at attach): the number
	// and ABI from the registers, 32 bits (arm64's syscallno is s32).
	if b.btf {
		// One load of the registers' address for the number and the ABI:
		// in counts-only mode every call comes this way.
		noRegs := b.label("noregs")
		insns = append(insns,
			asm.LoadMem(asm.R1, asm.R6, 0, asm.DWord).WithSymbol(readRegs),
			asm.JEq.Imm(asm.R1, 0, noRegs),
			asm.LoadMem(asm.R2, asm.R1, int16(b.o.cfg.Offsets.RegsSyscall), asm.Word),
			asm.StoreMem(asm.RFP, fpStatsK+8, asm.R2, asm.Word),
		)
		insns = append(insns, b.abi(true)...)
		insns = append(insns, asm.Ja.Label(haveNr), asm.Mov.Imm(asm.R0, 0).WithSymbol(noRegs))
	} else {
		insns = append(insns, asm.Mov.Imm(asm.R0, 0).WithSymbol(readRegs))
		insns = append(insns, b.abi(false)...)
		insns = append(insns,
			asm.Mov.Reg(asm.R1, asm.RFP),
			asm.Add.Imm(asm.R1, fpStatsK+8),
			asm.Mov.Imm(asm.R2, 4),
			asm.LoadMem(asm.R3, asm.R6, 0, asm.DWord),
			asm.Add.Imm(asm.R3, b.o.cfg.Offsets.RegsSyscall),
			asm.FnProbeReadKernel.Call(),
			asm.JEq.Imm(asm.R0, 0, haveNr),
		)
	}
	insns = append(insns, b.count(CounterNoNumber, out)...)
	insns = append(insns, asm.Ja.Label(out))
	insns = append(insns,
		asm.Mov.Reg(asm.R1, asm.R7).WithSymbol(haveNr),
		asm.RSh.Imm(asm.R1, 32),
		asm.StoreMem(asm.RFP, fpStatsK, asm.R1, asm.Word),
		asm.StoreMem(asm.RFP, fpStatsK+4, asm.R7, asm.Word),
		asm.Mov.Imm(asm.R9, 0),
		asm.LoadMem(asm.R1, asm.R6, 8, asm.DWord),
	)
	if len(b.o.cfg.ForkNrs) > 0 {
		// A new task's first return (0 from its parent's clone or
		// fork) is no call of its own.
		notChild, compat := b.label("notchild"), b.label("compatfork")
		insns = append(insns,
			asm.JNE.Imm(asm.R1, 0, notChild),
			asm.LoadMem(asm.R2, asm.RFP, fpStatsK+8, asm.Word),
			asm.LoadMem(asm.R3, asm.RFP, fpStatsK+12, asm.Word),
			asm.JNE.Imm(asm.R3, 0, compat),
		)
		for _, nr := range b.o.cfg.ForkNrs {
			insns = append(insns, asm.JEq.Imm(asm.R2, nr, out))
		}
		insns = append(insns, asm.Ja.Label(noErr), asm.Mov.Imm(asm.R0, 0).WithSymbol(compat))
		for _, nr := range b.o.cfg.CompatForkNrs {
			insns = append(insns, asm.JEq.Imm(asm.R2, nr, out))
		}
		insns = append(insns, asm.Ja.Label(noErr), asm.Mov.Imm(asm.R0, 0).WithSymbol(notChild))
	}
	insns = append(insns,
		asm.JLT.Imm(asm.R1, errnoMax, noErr), // unsigned: below -4095
		asm.Mov.Imm(asm.R9, 1),
	)
	insns = append(insns, at(noErr, lookup(b.o.Stats, fpStatsK))...)
	insns = append(insns,
		asm.JEq.Imm(asm.R0, 0, insert),
		// Only this thread writes its keys: plain adds are exact.
		asm.LoadMem(asm.R1, asm.R0, 0, asm.DWord),
		asm.Add.Imm(asm.R1, 1),
		asm.StoreMem(asm.R0, 0, asm.R1, asm.DWord),
		asm.LoadMem(asm.R1, asm.R0, 8, asm.DWord),
		asm.Add.Reg(asm.R1, asm.R9),
		asm.StoreMem(asm.R0, 8, asm.R1, asm.DWord),
		asm.LoadMem(asm.R1, asm.R0, 16, asm.DWord),
		asm.Add.Reg(asm.R1, asm.R8),
		asm.StoreMem(asm.R0, 16, asm.R1, asm.DWord),
		asm.Ja.Label(out),

		asm.Mov.Imm(asm.R1, 1).WithSymbol(insert),
		asm.StoreMem(asm.RFP, fpStatsV, asm.R1, asm.DWord),
		asm.StoreMem(asm.RFP, fpStatsV+8, asm.R9, asm.DWord),
		asm.StoreMem(asm.RFP, fpStatsV+16, asm.R8, asm.DWord),
	)
	insns = append(insns, update(b.o.Stats, fpStatsK, fpStatsV, noExist)...)
	insns = append(insns, asm.JEq.Imm(asm.R0, 0, out))
	insns = append(insns, b.count(CounterStatsFull, out)...)
	return append(insns, ret(out)...)
}

// compatMode is how a compat (32-bit) task's call shows in its registers
// (the field at Offsets.RegsMode): x86-64's code segment is __USER32_CS
// (0x23), as strace tells them apart; arm64's pstate has PSR_MODE32_BIT.
func compatMode() (size asm.Size, mask, value int32) {
	if runtime.GOARCH == "arm64" {
		return asm.Word, 0x10, 0x10
	}
	return asm.Half, 0xffff, 0x23
}

// abi stores the ABI of the current call (0 native, 1 compat) as the
// stats key's fourth word. With haveRegs (tp_btf only), R1 holds the
// pt_regs pointer, already checked not nil. It uses R1-R5.
func (b *builder) abi(haveRegs bool) asm.Instructions {
	size, mask, value := compatMode()
	done := b.label("abi")
	insns := asm.Instructions{asm.StoreImm(asm.RFP, fpStatsK+12, 0, asm.Word)}
	switch {
	case b.btf && haveRegs:
		insns = append(insns, asm.LoadMem(asm.R2, asm.R1, int16(b.o.cfg.Offsets.RegsMode), size))
	case b.btf:
		insns = append(insns,
			asm.LoadMem(asm.R1, asm.R6, 0, asm.DWord), // regs: a BTF pointer
			asm.JEq.Imm(asm.R1, 0, done),
			asm.LoadMem(asm.R2, asm.R1, int16(b.o.cfg.Offsets.RegsMode), size),
		)
	default:
		insns = append(insns,
			asm.StoreImm(asm.RFP, fpKey2, 0, asm.Word),
			asm.Mov.Reg(asm.R1, asm.RFP),
			asm.Add.Imm(asm.R1, fpKey2),
			asm.Mov.Imm(asm.R2, int32(size.Sizeof())),
			asm.LoadMem(asm.R3, asm.R6, 0, asm.DWord),
			asm.Add.Imm(asm.R3, b.o.cfg.Offsets.RegsMode),
			asm.FnProbeReadKernel.Call(),
			asm.LoadMem(asm.R2, asm.RFP, fpKey2, size),
		)
	}
	return append(insns,
		asm.And.Imm(asm.R2, mask),
		asm.JNE.Imm(asm.R2, value, done),
		asm.StoreImm(asm.RFP, fpStatsK+12, 1, asm.Word),
		asm.Mov.Imm(asm.R0, 0).WithSymbol(done),
	)
}

// underCgroup jumps to no unless the current task is in the configured
// cgroup or below it.
func (b *builder) underCgroup(no string) asm.Instructions {
	return asm.Instructions{
		asm.LoadMapPtr(asm.R1, b.o.Cgroups.FD()),
		asm.Mov.Imm(asm.R2, 0),
		asm.FnCurrentTaskUnderCgroup.Call(),
		asm.JNE.Imm(asm.R0, 1, no),
	}
}

// markCurrent traces the current thread group (id in R8): its procs entry
// and state byte; then goes on at done.
func (b *builder) markCurrent(done string) asm.Instructions {
	insns := asm.Instructions{
		asm.StoreMem(asm.RFP, fpKey, asm.R8, asm.Word),
		asm.StoreImm(asm.RFP, fpVal4, int64(Traced), asm.Word),
	}
	insns = append(insns, update(b.o.Procs, fpKey, fpVal4, updateAny)...)
	ok := b.label("marked")
	insns = append(insns, asm.JEq.Imm(asm.R0, 0, ok))
	insns = append(insns, b.count(CounterProcsFull, done)...)
	insns = append(insns, asm.Ja.Label(done))
	insns = append(insns, asm.Mov.Imm(asm.R0, 0).WithSymbol(ok))
	return append(insns, b.setState(asm.R8, done)...)
}

// fork follows a traced process's new child process. Raw tracepoint
// sched_process_fork: (struct task_struct *parent, struct task_struct
// *child); it runs in the parent before the child can run.
func (b *builder) fork() asm.Instructions {
	out := b.label("out")
	miss := b.label("miss")
	have := b.label("have")
	child := b.label("child")
	setChild := b.label("setchild")
	cg := b.o.cfg.Cgroup != nil
	insns := b.prologue(miss)
	insns = append(insns, asm.Mov.Reg(asm.R9, asm.R1).WithSymbol(have))
	insns = append(insns, asm.Ja.Label(child))
	// Not traced: in cgroup mode a process of the cgroup is traced from
	// its first fork or exec.
	insns = append(insns, asm.Ja.Label(out).WithSymbol(miss))
	if cg {
		insns[len(insns)-1] = asm.Mov.Imm(asm.R0, 0).WithSymbol(miss)
		marked := b.label("pmarked")
		insns = append(insns, b.underCgroup(out)...)
		insns = append(insns, b.markCurrent(marked)...)
		insns = append(insns, asm.Mov.Imm(asm.R9, int32(Traced)).WithSymbol(marked))
	}
	insns = append(insns,
		asm.Mov.Reg(asm.R1, asm.RFP).WithSymbol(child),
		asm.Add.Imm(asm.R1, fpKey2),
		asm.Mov.Imm(asm.R2, 4),
		asm.LoadMem(asm.R3, asm.R6, 8, asm.DWord),
		asm.Add.Imm(asm.R3, b.o.cfg.Offsets.TaskTgid),
		asm.FnProbeReadKernel.Call(),
		asm.JNE.Imm(asm.R0, 0, out),
		asm.LoadMem(asm.R1, asm.RFP, fpKey2, asm.Word),
		asm.Mov.Reg(asm.R2, asm.R7),
		asm.RSh.Imm(asm.R2, 32),
		asm.JEq.Reg(asm.R1, asm.R2, out), // a thread
		asm.StoreMem(asm.RFP, fpVal4, asm.R9, asm.Word),
	)
	insns = append(insns, update(b.o.Procs, fpKey2, fpVal4, updateAny)...)
	insns = append(insns, asm.JEq.Imm(asm.R0, 0, setChild))
	insns = append(insns, b.count(CounterProcsFull, out)...)
	insns = append(insns, asm.Ja.Label(out))
	insns = append(insns, asm.LoadMem(asm.R9, asm.RFP, fpKey2, asm.Word).WithSymbol(setChild))
	insns = append(insns, b.setState(asm.R9, out)...) // the parent's state, at fpVal4
	_ = have
	return append(insns, ret(out)...)
}

// exec turns a pending launcher into a traced process and moves the entry
// record of a thread that exec'd from a non-leader thread. Raw tracepoint
// sched_process_exec: (struct task_struct *p, pid_t old_pid, struct
// linux_binprm *bprm); it runs in the execing thread, which already has
// the thread group's id as its tid.
func (b *builder) exec() asm.Instructions {
	out := b.label("out")
	miss := b.label("miss")
	moved := b.label("moved")
	follow := b.o.cfg.Follow
	insns := asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1),
		asm.FnGetCurrentPidTgid.Call(),
		asm.Mov.Reg(asm.R7, asm.R0),
	}
	if follow {
		insns = append(insns, asm.Mov.Reg(asm.R8, asm.R7), asm.RSh.Imm(asm.R8, 32))
	} else {
		insns = append(insns, asm.LoadMem(asm.R8, asm.R6, 8, asm.DWord), asm.Mov.Reg32(asm.R8, asm.R8))
	}
	insns = append(insns, b.stateOf(asm.R8, miss)...)
	insns = append(insns,
		asm.JEq.Imm(asm.R1, 0, miss),
		asm.JNE.Imm(asm.R1, int32(PendingSeen), moved),
		asm.Mov.Imm(asm.R1, int32(Traced)),
		asm.StoreMem(asm.R0, 0, asm.R1, asm.Byte),
	)
	insns = append(insns, b.count(CounterExecs, moved)...)
	insns = append(insns,
		asm.LoadMem(asm.R1, asm.R6, 8, asm.DWord).WithSymbol(moved),
		asm.JEq.Reg32(asm.R1, asm.R7, out), // the leader exec'd: nothing moves
	)
	if !follow {
		// Keyed by thread: the thread's id changes.
		insns = append(insns,
			asm.StoreMem(asm.RFP, fpKey2, asm.R7, asm.Word),
			asm.StoreImm(asm.RFP, fpVal4, int64(Traced), asm.Word),
		)
		insns = append(insns, update(b.o.Procs, fpKey2, fpVal4, updateAny)...)
		insns = append(insns, asm.StoreMem(asm.RFP, fpKey, asm.R8, asm.Word))
		insns = append(insns, remove(b.o.Procs, fpKey)...)
		insns = append(insns, asm.Mov.Reg32(asm.R9, asm.R7))
		set, cleared := b.label("set"), b.label("cleared")
		insns = append(insns, b.setState(asm.R9, set)...) // Traced, at fpVal4
		insns = append(insns, asm.StoreImm(asm.RFP, fpVal4, 0, asm.Word).WithSymbol(set))
		insns = append(insns, b.setState(asm.R8, cleared)...)
		insns = append(insns, asm.Mov.Imm(asm.R0, 0).WithSymbol(cleared))
	}
	if b.o.cfg.Time {
		insns = append(insns,
			asm.LoadMem(asm.R1, asm.R6, 8, asm.DWord),
			asm.StoreMem(asm.RFP, fpKey, asm.R1, asm.Word),
		)
		insns = append(insns, lookup(b.o.Starts, fpKey)...)
		insns = append(insns,
			asm.JEq.Imm(asm.R0, 0, out),
			asm.Mov.Reg(asm.R3, asm.R0),
			asm.StoreMem(asm.RFP, fpKey2, asm.R7, asm.Word),
		)
		insns = append(insns, keyAt(b.o.Starts, fpKey2)...) // the value: the record found (R3)
		insns = append(insns, asm.Mov.Imm(asm.R4, updateAny), asm.FnMapUpdateElem.Call())
		insns = append(insns, remove(b.o.Starts, fpKey)...)
	}
	insns = append(insns, asm.Ja.Label(out))
	insns = append(insns, asm.Ja.Label(out).WithSymbol(miss))
	if b.o.cfg.Cgroup != nil {
		insns[len(insns)-1] = asm.Mov.Imm(asm.R0, 0).WithSymbol(miss)
		// A process of the cgroup that was not traced yet (runc exec,
		// a process moved into it): traced from this exec on.
		insns = append(insns, asm.Mov.Reg(asm.R8, asm.R7), asm.RSh.Imm(asm.R8, 32))
		insns = append(insns, b.underCgroup(out)...)
		insns = append(insns, b.markCurrent(out)...)
	}
	return append(insns, ret(out)...)
}

// procExit forgets an ending thread's entry record and, once its thread
// group is dead, the process. Raw tracepoint sched_process_exit: (struct
// task_struct *p[, bool group_dead since 6.16]); p is the current task.
func (b *builder) procExit() asm.Instructions {
	out := b.label("out")
	insns := b.prologue(out)
	if b.o.cfg.Time {
		insns = append(insns, asm.StoreMem(asm.RFP, fpKey2, asm.R7, asm.Word))
		insns = append(insns, remove(b.o.Starts, fpKey2)...)
	}
	if b.o.cfg.Follow {
		// do_exit decrements signal->live before this tracepoint: zero
		// means the last thread of the group is ending.
		insns = append(insns,
			asm.Mov.Reg(asm.R1, asm.RFP),
			asm.Add.Imm(asm.R1, fpPtr),
			asm.Mov.Imm(asm.R2, 8),
			asm.LoadMem(asm.R3, asm.R6, 0, asm.DWord),
			asm.Add.Imm(asm.R3, b.o.cfg.Offsets.TaskSignal),
			asm.FnProbeReadKernel.Call(),
			asm.JNE.Imm(asm.R0, 0, out),
			asm.Mov.Reg(asm.R1, asm.RFP),
			asm.Add.Imm(asm.R1, fpKey2),
			asm.Mov.Imm(asm.R2, 4),
			asm.LoadMem(asm.R3, asm.RFP, fpPtr, asm.DWord),
			asm.Add.Imm(asm.R3, b.o.cfg.Offsets.SignalLive),
			asm.FnProbeReadKernel.Call(),
			asm.JNE.Imm(asm.R0, 0, out),
			asm.LoadMem(asm.R1, asm.RFP, fpKey2, asm.Word),
			asm.JNE.Imm(asm.R1, 0, out),
		)
	}
	insns = append(insns, asm.StoreMem(asm.RFP, fpKey, asm.R8, asm.Word))
	insns = append(insns, remove(b.o.Procs, fpKey)...)
	insns = append(insns, asm.StoreImm(asm.RFP, fpVal4, 0, asm.Word))
	insns = append(insns, b.setState(asm.R8, out)...)
	return append(insns, ret(out)...)
}
