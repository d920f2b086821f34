package proctest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/procscope/procscope/proc"
)

// This file writes the per-process files in the kernel's formats
// (fs/proc/array.c, base.c, task_mmu.c, task_nommu.c of Linux 6.x).

const pfKthread = 0x00200000 // PF_KTHREAD in stat's flags

const fullCaps = proc.CapSet(1<<41 - 1) // CAP_CHOWN .. CAP_CHECKPOINT_RESTORE

func (p *proc_) rss() uint64 {
	if p.noMem {
		return 0
	}
	if p.RSSPages != 0 {
		return p.RSSPages
	}
	return 256
}

// vmPages is the size of the address space in pages: 4 times the resident set.
func (p *proc_) vmPages() uint64 { return 4 * p.rss() }

func (p *proc_) startTime() uint64 {
	if p.StartTime != 0 {
		return p.StartTime
	}
	return 1000 + uint64(p.PID)
}

// formatStat writes /proc/PID/stat (do_task_stat): 52 fields, the comm raw
// between parentheses.
func formatStat(p *proc_, id int, comm string, st proc.State, nthreads int) string {
	flags := uint64(0x400100) // PF_RANDOMIZE | PF_FORKNOEXEC, as for most user processes
	if p.Kernel {
		flags = pfKthread | 0x40 | 0x8000 // PF_KTHREAD | PF_FORKNOEXEC | PF_NOFREEZE
	}
	var startCode, endCode, startStack uint64
	if !p.noMem {
		startCode, endCode, startStack = 0x5565d09f9000, 0x5565d09fe000, 0x7ffdbd8e1000
	}
	exitSignal := 17 // SIGCHLD
	pgrp, session := p.PID, p.PID
	if p.PPID > 1 && !p.Kernel {
		pgrp, session = p.PPID, p.PPID
	}
	if p.Kernel {
		pgrp, session = 0, 0
	}
	fields := []string{
		strconv.Itoa(id), "(" + comm + ")", string(rune(st)),
		strconv.Itoa(p.PPID), strconv.Itoa(pgrp), strconv.Itoa(session),
		"0", "-1", // tty_nr, tpgid
		strconv.FormatUint(flags, 10),
		"100", "0", "2", "0", // minflt cminflt majflt cmajflt
		"5", "3", "0", "0", // utime stime cutime cstime
		"20", "0", // priority nice
		strconv.Itoa(nthreads), "0", // num_threads itrealvalue
		strconv.FormatUint(p.startTime(), 10),
		strconv.FormatUint(p.vmPages()*pageSize, 10), strconv.FormatUint(p.rss(), 10),
		"18446744073709551615", // rsslim
		u(startCode), u(endCode), u(startStack),
		"0", "0", // kstkesp kstkeip
		"0", "0", "0", "0", // signal blocked sigignore sigcatch
		"0", "0", "0", // wchan nswap cnswap
		strconv.Itoa(exitSignal), "0", "0", "0", // exit_signal processor rt_priority policy
		"0", "0", "0", // delayacct_blkio_ticks guest_time cguest_time
		u(startCode), u(endCode), u(startStack), u(startStack), u(startStack), u(startStack), u(startStack), // start_data end_data start_brk arg_start arg_end env_start env_end
		"0", // exit_code
	}
	return strings.Join(fields, " ") + "\n"
}

func u(v uint64) string { return strconv.FormatUint(v, 10) }

// escapeName escapes a comm for status's Name line as the kernel does
// (seq_escape_str with ESCAPE_SPACE | ESCAPE_SPECIAL, only "\n\\").
func escapeName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\n':
			b.WriteString(`\n`)
		case '\\':
			b.WriteString(`\\`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

var stateWords = map[proc.State]string{
	proc.Running: "R (running)", proc.Sleeping: "S (sleeping)", proc.DiskSleep: "D (disk sleep)",
	proc.Stopped: "T (stopped)", proc.TracingStop: "t (tracing stop)", proc.Dead: "X (dead)",
	proc.Zombie: "Z (zombie)", proc.Parked: "P (parked)", proc.Idle: "I (idle)",
}

// formatStatus writes /proc/PID/status (proc_pid_status).
func formatStatus(p *proc_, id int, comm string, st proc.State, nthreads int) string {
	var b strings.Builder
	kv := func(k, v string) { b.WriteString(k + ":\t" + v + "\n") }
	ids := func(n uint32) string { s := u(uint64(n)); return s + "\t" + s + "\t" + s + "\t" + s }
	kv("Name", escapeName(comm))
	kv("Umask", "0022")
	state, ok := stateWords[st]
	if !ok {
		state = string(rune(st)) + " (unknown)"
	}
	kv("State", state)
	kv("Tgid", strconv.Itoa(p.PID))
	kv("Ngid", "0")
	kv("Pid", strconv.Itoa(id))
	kv("PPid", strconv.Itoa(p.PPID))
	kv("TracerPid", strconv.Itoa(p.TracerPid))
	kv("Uid", ids(p.UID))
	kv("Gid", ids(p.GID))
	kv("FDSize", "64")
	var groups strings.Builder
	for _, g := range p.Groups {
		groups.WriteString(u(uint64(g)) + " ")
	}
	if groups.Len() == 0 {
		groups.WriteString(" ")
	}
	kv("Groups", groups.String())
	kv("NStgid", strconv.Itoa(p.PID))
	kv("NSpid", strconv.Itoa(id))
	kv("NSpgid", strconv.Itoa(p.PID))
	kv("NSsid", strconv.Itoa(p.PID))
	kv("Kthread", bit(p.Kernel))
	if !p.noMem {
		kb := func(k string, pages uint64) { kv(k, fmt.Sprintf("%8d kB", pages*pageSize/1024)) }
		kb("VmPeak", p.vmPages())
		kb("VmSize", p.vmPages())
		kb("VmLck", 0)
		kb("VmPin", 0)
		kb("VmHWM", p.rss())
		kb("VmRSS", p.rss())
		kb("RssAnon", p.rss()/4)
		kb("RssFile", p.rss()-p.rss()/4)
		kb("RssShmem", 0)
		kb("VmData", p.rss()/2)
		kb("VmStk", 33)
		kb("VmExe", 5)
		kb("VmLib", p.rss()/2)
		kb("VmPTE", 12)
		kb("VmSwap", 0)
		kb("HugetlbPages", 0)
		kv("CoreDumping", "0")
		kv("THP_enabled", "1")
		kv("untag_mask", "0xffffffffffffffff")
	}
	kv("Threads", strconv.Itoa(nthreads))
	kv("SigQ", "0/63450")
	for _, k := range []string{"SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt"} {
		kv(k, "0000000000000000")
	}
	c := Caps{Bnd: fullCaps}
	if p.UID == 0 {
		c.Prm, c.Eff = fullCaps, fullCaps
	}
	if p.Caps != nil {
		c = *p.Caps
	}
	for _, c := range []struct {
		k string
		v proc.CapSet
	}{{"CapInh", c.Inh}, {"CapPrm", c.Prm}, {"CapEff", c.Eff}, {"CapBnd", c.Bnd}, {"CapAmb", c.Amb}} {
		kv(c.k, fmt.Sprintf("%016x", uint64(c.v)))
	}
	kv("NoNewPrivs", bit(p.NoNewPrivs))
	kv("Seccomp", strconv.Itoa(int(p.Seccomp)))
	kv("Seccomp_filters", strconv.Itoa(p.SeccompFilters))
	kv("Speculation_Store_Bypass", "thread vulnerable")
	kv("SpeculationIndirectBranch", "conditional enabled")
	kv("Cpus_allowed", "3")
	kv("Cpus_allowed_list", "0-1")
	kv("Mems_allowed", "00000000,00000001")
	kv("Mems_allowed_list", "0")
	kv("voluntary_ctxt_switches", "10")
	kv("nonvoluntary_ctxt_switches", "1")
	return b.String()
}

func bit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// formatStatm writes /proc/PID/statm: size resident shared text lib data dt,
// in pages.
func formatStatm(p *proc_) string {
	if p.noMem {
		return "0 0 0 0 0 0 0\n"
	}
	return fmt.Sprintf("%d %d %d %d 0 %d 0\n", p.vmPages(), p.rss(), p.rss()-p.rss()/4, 5, p.rss()/2)
}

// formatMaps writes /proc/PID/maps: the executable's mappings (with its
// device and inode, so that holders of the executable are found), the heap,
// the stack and the vdso. The path starts in column 74, as the kernel pads.
func (bd *builder) formatMaps(p *proc_) string {
	if p.noMem {
		return ""
	}
	exe := p.exe
	if p.ExeDeleted {
		exe += " (deleted)"
	}
	ino := bd.pathIno(p.exe)
	lines := []struct {
		start, end uint64
		perms      string
		off        uint64
		dev        string
		ino        uint64
		path       string
	}{
		{0x5565d09f7000, 0x5565d09f9000, "r--p", 0, "fe:01", ino, exe},
		{0x5565d09f9000, 0x5565d09fe000, "r-xp", 0x2000, "fe:01", ino, exe},
		{0x5565d09fe000, 0x5565d0a00000, "r--p", 0x7000, "fe:01", ino, exe},
		{0x5565d1a00000, 0x5565d1a21000, "rw-p", 0, "00:00", 0, "[heap]"},
		{0x7f0c8a000000, 0x7f0c8a022000, "rw-p", 0, "00:00", 0, ""},
		{0x7ffdbd8c2000, 0x7ffdbd8e3000, "rw-p", 0, "00:00", 0, "[stack]"},
		{0x7ffdbd9f0000, 0x7ffdbd9f2000, "r-xp", 0, "00:00", 0, "[vdso]"},
	}
	var b strings.Builder
	for _, l := range lines {
		s := fmt.Sprintf("%08x-%08x %s %08x %s %d ", l.start, l.end, l.perms, l.off, l.dev, l.ino)
		if l.path != "" {
			s += strings.Repeat(" ", max(0, 73-len(s))) + l.path
		}
		b.WriteString(s + "\n")
	}
	return b.String()
}

// formatSmapsRollup writes /proc/PID/smaps_rollup.
func formatSmapsRollup(p *proc_) string {
	rss := p.rss() * pageSize / 1024
	anon := p.rss() / 4 * pageSize / 1024
	var b strings.Builder
	b.WriteString("5565d09f7000-7ffdbd9f2000 ---p 00000000 00:00 0                          [rollup]\n")
	for _, f := range []struct {
		k string
		v uint64
	}{
		{"Rss:", rss}, {"Pss:", rss / 2}, {"Pss_Dirty:", anon}, {"Pss_Anon:", anon}, {"Pss_File:", rss/2 - anon/2},
		{"Pss_Shmem:", 0}, {"Shared_Clean:", rss - anon}, {"Shared_Dirty:", 0}, {"Private_Clean:", 0},
		{"Private_Dirty:", anon}, {"Referenced:", rss}, {"Anonymous:", anon}, {"KSM:", 0}, {"LazyFree:", 0},
		{"AnonHugePages:", 0}, {"ShmemPmdMapped:", 0}, {"FilePmdMapped:", 0}, {"Shared_Hugetlb:", 0},
		{"Private_Hugetlb:", 0}, {"Swap:", 0}, {"SwapPss:", 0}, {"Locked:", 0},
	} {
		fmt.Fprintf(&b, "%-16s%8d kB\n", f.k, f.v)
	}
	return b.String()
}

// formatIO writes /proc/PID/io.
func formatIO(p *proc_) string {
	return fmt.Sprintf("rchar: %d\nwchar: %d\nsyscr: %d\nsyscw: %d\nread_bytes: 0\nwrite_bytes: 0\ncancelled_write_bytes: 0\n",
		4096*uint64(p.PID%7+1), 1024*uint64(p.PID%5+1), 10+p.PID%3, 5+p.PID%2)
}

// defaultLimits are the rows of /proc/PID/limits for a shell started by
// root on a machine with 4 GiB of memory.
var defaultLimits = []proc.Limit{
	{Resource: proc.RLimitCPU, Name: "Max cpu time", Soft: proc.Unlimited, Hard: proc.Unlimited, Unit: "seconds"},
	{Resource: proc.RLimitFSize, Name: "Max file size", Soft: proc.Unlimited, Hard: proc.Unlimited, Unit: "bytes"},
	{Resource: proc.RLimitData, Name: "Max data size", Soft: proc.Unlimited, Hard: proc.Unlimited, Unit: "bytes"},
	{Resource: proc.RLimitStack, Name: "Max stack size", Soft: 8388608, Hard: proc.Unlimited, Unit: "bytes"},
	{Resource: proc.RLimitCore, Name: "Max core file size", Soft: 0, Hard: proc.Unlimited, Unit: "bytes"},
	{Resource: proc.RLimitRSS, Name: "Max resident set", Soft: proc.Unlimited, Hard: proc.Unlimited, Unit: "bytes"},
	{Resource: proc.RLimitNProc, Name: "Max processes", Soft: 15459, Hard: 15459, Unit: "processes"},
	{Resource: proc.RLimitNoFile, Name: "Max open files", Soft: 1024, Hard: 4096, Unit: "files"},
	{Resource: proc.RLimitMemLock, Name: "Max locked memory", Soft: 8388608, Hard: 8388608, Unit: "bytes"},
	{Resource: proc.RLimitAS, Name: "Max address space", Soft: proc.Unlimited, Hard: proc.Unlimited, Unit: "bytes"},
	{Resource: proc.RLimitLocks, Name: "Max file locks", Soft: proc.Unlimited, Hard: proc.Unlimited, Unit: "locks"},
	{Resource: proc.RLimitSigPending, Name: "Max pending signals", Soft: 15459, Hard: 15459, Unit: "signals"},
	{Resource: proc.RLimitMsgQueue, Name: "Max msgqueue size", Soft: 819200, Hard: 819200, Unit: "bytes"},
	{Resource: proc.RLimitNice, Name: "Max nice priority", Soft: 0, Hard: 0, Unit: ""},
	{Resource: proc.RLimitRTPrio, Name: "Max realtime priority", Soft: 0, Hard: 0, Unit: ""},
	{Resource: proc.RLimitRTTime, Name: "Max realtime timeout", Soft: proc.Unlimited, Hard: proc.Unlimited, Unit: "us"},
}

// formatLimits writes /proc/PID/limits (proc_pid_limits): columns of 25,
// 20, 20 and 10 characters.
func formatLimits(over []proc.Limit) string {
	rows := slices.Clone(defaultLimits)
	for _, o := range over {
		if o.Resource >= 0 && int(o.Resource) < len(rows) {
			rows[o.Resource].Soft, rows[o.Resource].Hard = o.Soft, o.Hard
		}
	}
	val := func(v uint64) string {
		if v == proc.Unlimited {
			return "unlimited"
		}
		return u(v)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units")
	for _, r := range rows {
		if r.Unit != "" {
			fmt.Fprintf(&b, "%-25s %-20s %-20s %-10s\n", r.Name, val(r.Soft), val(r.Hard), r.Unit)
		} else {
			fmt.Fprintf(&b, "%-25s %-20s %-20s \n", r.Name, val(r.Soft), val(r.Hard))
		}
	}
	return b.String()
}

// defaultMountInfo is the mount table of every process: the root file
// system (the device of every file of the tree, mount 22), /proc, /dev,
// /tmp and a mount point whose name needs the kernel's octal escapes.
const defaultMountInfo = "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n" +
	"23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:2 - proc proc rw\n" +
	"24 22 0:5 / /dev rw,nosuid,relatime shared:3 - devtmpfs devtmpfs rw,size=4096k,nr_inodes=1024,mode=755\n" +
	"25 22 0:26 / /tmp rw,nosuid,nodev shared:4 - tmpfs tmpfs rw\n" +
	"26 22 0:27 / /mnt/a\\040b\\134c rw,relatime shared:5 - tmpfs tmp\\040fs rw,size=4k\n"
