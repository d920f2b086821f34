//go:build linux && (amd64 || arm64)

package syscallstat

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/rlimit"
	"golang.org/x/sys/unix"

	"github.com/procscope/procscope/syscallstat/internal/bpfprog"
)

// The eBPF backend (see the package documentation). A Tracer with a
// non-nil bpf field is driven by the goroutine of ebpfTrace.run, which
// fills the Tracer's sum and err and closes its done channel as the ptrace
// loop does, so that Wait, Close and PID work unchanged; cancel is routed
// here.
type ebpfTrace struct {
	t      *Tracer
	objs   *bpfprog.Objects
	cgroup *os.File // Options.Cgroup, open

	cancelCh chan syscall.Signal
	cmdDone  chan struct{} // closed once the launched command is reaped
	waitErr  error
	once     sync.Once
}

// Kernel requirements of the eBPF backend.
const (
	ebpfMinKernel = "5.8" // CAP_BPF, CAP_PERFMON, bpf_probe_read_kernel, mmapable arrays, BTF in sysfs
	btfPath       = "/sys/kernel/btf/vmlinux"
	capSysAdmin   = 21
	capPerfmon    = 38
	capBPF        = 39
	initPidNSIno  = 0xEFFFFFFC // PROC_PID_INIT_INO: the initial pid namespace's inode
)

// unavailableError says why the eBPF backend cannot run here. It matches
// ErrEBPFUnavailable and unwraps to kind (fs.ErrPermission or
// errors.ErrUnsupported; nil for a verifier rejection, whose log is in the
// message).
type unavailableError struct {
	msg  string
	kind error
}

func (e *unavailableError) Error() string        { return "syscallstat: eBPF backend unavailable: " + e.msg }
func (e *unavailableError) Unwrap() error        { return e.kind }
func (e *unavailableError) Is(target error) bool { return target == ErrEBPFUnavailable }

func unavailable(kind error, format string, args ...any) error {
	return &unavailableError{msg: fmt.Sprintf(format, args...), kind: kind}
}

// kernelVersion returns the running kernel's major and minor version.
func kernelVersion() (int, int, string) {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return 0, 0, ""
	}
	rel := unix.ByteSliceToString(u.Release[:])
	f := strings.FieldsFunc(rel, func(r rune) bool { return r < '0' || r > '9' })
	if len(f) < 2 {
		return 0, 0, rel
	}
	maj, _ := strconv.Atoi(f[0])
	minor, _ := strconv.Atoi(f[1])
	return maj, minor, rel
}

// CheckEBPF tells whether the [EBPF] backend can run here, without loading
// anything: the kernel version and BTF, the caller's capabilities (CAP_BPF
// and CAP_PERFMON, or CAP_SYS_ADMIN) and the pid namespace. Its error is the
// one [Start] and [Attach] would return (matching [ErrEBPFUnavailable]);
// they can still fail later, for example if a seccomp filter or kernel
// lockdown refuses bpf(2) or the verifier rejects a program.
func CheckEBPF() error { return checkEBPF() }

// checkEBPF: cilium/ebpf's own message on EPERM blames RLIMIT_MEMLOCK,
// which is wrong since 5.11, hence the capability check here.
func checkEBPF() error {
	maj, minor, rel := kernelVersion()
	_, err := os.Stat(btfPath)
	if err := kernelError(maj, minor, rel, err == nil); err != nil {
		return err
	}
	st, err := liveProc.Process(os.Getpid()).Status()
	if err != nil {
		return fmt.Errorf("syscallstat: ebpf backend: reading own capabilities: %w", err)
	}
	if eff := st.CapEff; !eff.Has(capSysAdmin) && !(eff.Has(capBPF) && eff.Has(capPerfmon)) {
		var missing []string
		if !eff.Has(capBPF) {
			missing = append(missing, "CAP_BPF")
		}
		if !eff.Has(capPerfmon) {
			missing = append(missing, "CAP_PERFMON")
		}
		return unavailable(fs.ErrPermission, "missing %s (loading the programs needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)", strings.Join(missing, " and "))
	}
	var ns unix.Stat_t
	if err := unix.Stat("/proc/self/ns/pid", &ns); err == nil && ns.Ino != initPidNSIno {
		return unavailable(errors.ErrUnsupported, "running in a pid namespace other than the initial one: the kernel gives the programs initial-namespace pids, which this backend does not translate (use the ptrace backend)")
	}
	if maj == 5 && minor < 11 {
		// Before 5.11 BPF memory is charged to RLIMIT_MEMLOCK.
		if err := rlimit.RemoveMemlock(); err != nil {
			return unavailable(fs.ErrPermission, "kernel %s charges eBPF maps to RLIMIT_MEMLOCK and raising it failed (needs CAP_SYS_RESOURCE): %v", rel, err)
		}
	}
	return nil
}

// kernelError says what a kernel (maj.minor, uname release rel, with or
// without BTF in sysfs) lacks for the programs, or nil.
func kernelError(maj, minor int, rel string, btf bool) error {
	if maj < 5 || maj == 5 && minor < 8 {
		return unavailable(errors.ErrUnsupported, "kernel %s: needs Linux %s or later with BTF", rel, ebpfMinKernel)
	}
	if !btf {
		return unavailable(errors.ErrUnsupported, "kernel %s has no BTF (%s): needs Linux %s or later built with CONFIG_DEBUG_INFO_BTF", rel, btfPath, ebpfMinKernel)
	}
	return nil
}

// loadError explains a failure to load the programs.
func loadError(err error) error {
	var ve *ebpf.VerifierError
	if errors.As(err, &ve) {
		// Our bug: the whole log.
		// Not wrapped: the verifier's EACCES is no permission problem.
		return &unavailableError{msg: fmt.Sprintf("the verifier rejected a program (a bug in syscallstat, please report it): %+v", ve)}
	}
	if errors.Is(err, unix.EPERM) {
		return unavailable(fs.ErrPermission, "the bpf system call was refused although CAP_BPF and CAP_PERFMON are held (a seccomp filter, as in a container's default profile, or kernel lockdown): %v", strings.Split(err.Error(), " (MEMLOCK")[0])
	}
	if errors.Is(err, ebpf.ErrNotSupported) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOENT) && strings.Contains(err.Error(), "BTF") {
		_, _, rel := kernelVersion()
		return unavailable(errors.ErrUnsupported, "kernel %s lacks what the programs need (Linux %s or later with BTF): %v", rel, ebpfMinKernel, err)
	}
	return fmt.Errorf("syscallstat: ebpf backend: %w", err)
}

// newEBPF checks the host and loads and attaches the programs.
func (t *Tracer) newEBPF() error {
	if t.opts.Backend != EBPF {
		return fmt.Errorf("syscallstat: unknown backend %v", t.opts.Backend)
	}
	if err := checkEBPF(); err != nil {
		return err
	}
	e := &ebpfTrace{t: t, cancelCh: make(chan syscall.Signal, 1), cmdDone: make(chan struct{})}
	cfg := bpfprog.Config{Follow: t.opts.Follow, Time: !t.opts.CountsOnly}
	for _, name := range []string{"clone", "clone3", "fork", "vfork"} {
		if nr, ok := SyscallNumber(Native, name); ok {
			cfg.ForkNrs = append(cfg.ForkNrs, int32(nr))
		}
		if nr, ok := SyscallNumber(Compat, name); ok {
			cfg.CompatForkNrs = append(cfg.CompatForkNrs, int32(nr))
		}
	}
	if t.opts.Cgroup != "" {
		f, err := openCgroup(t.opts.Cgroup)
		if err != nil {
			return err
		}
		e.cgroup, cfg.Cgroup, cfg.Follow = f, f, true
		t.opts.Follow = true
	}
	objs, err := bpfprog.Load(cfg)
	if err == nil {
		if err = objs.Attach(); err != nil {
			objs.Close()
		}
	}
	if err != nil {
		if e.cgroup != nil {
			e.cgroup.Close()
		}
		return loadError(err)
	}
	e.objs = objs
	t.bpf = e
	return nil
}

// openCgroup opens a cgroup v2 directory.
func openCgroup(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return nil, fmt.Errorf("syscallstat: cgroup: %w", err)
	}
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &st); err != nil || st.Type != unix.CGROUP2_SUPER_MAGIC {
		f.Close()
		return nil, fmt.Errorf("syscallstat: cgroup %s: not a cgroup v2 directory (on a hybrid host the v2 hierarchy is usually /sys/fs/cgroup/unified): %w", path, errors.ErrUnsupported)
	}
	return f, nil
}

// closeEBPF frees everything after a failed start.
func (e *ebpfTrace) close() {
	e.objs.Close()
	if e.cgroup != nil {
		e.cgroup.Close()
	}
}

// startEBPF launches t.cmd through the trampoline (see trampoline_linux.go)
// with the programs attached: its child, the trampoline, is marked
// pending, and the programs count from its execve on, as strace does. The
// calling process is never marked, so another goroutine's exec.Command is
// never followed.
func (t *Tracer) startEBPF() (*Tracer, error) {
	if t.opts.Cgroup != "" {
		return nil, errors.New("syscallstat: start: Options.Cgroup is for Attach with pid 0")
	}
	cmd := t.cmd
	t.execPath = cmd.Path
	if err := checkExec(cmd.Path); err != nil {
		return nil, err
	}
	if err := t.newEBPF(); err != nil {
		return nil, err
	}
	e := t.bpf
	w, err := startTrampoline(cmd)
	if err != nil {
		e.close()
		return nil, err
	}
	t.pid = cmd.Process.Pid
	go func() {
		e.waitErr = cmd.Wait()
		close(e.cmdDone)
	}()
	if err := e.objs.Mark(t.pid, bpfprog.Pending); err != nil {
		w.Close() // the trampoline exits 127
		<-e.cmdDone
		e.close()
		return nil, fmt.Errorf("syscallstat: start: %w", err)
	}
	w.Write([]byte{1})
	w.Close()
	// The exec program counts the trampoline's successful execve.
	for e.objs.Counter(bpfprog.CounterExecs) == 0 {
		select {
		case <-e.cmdDone:
			if e.objs.Counter(bpfprog.CounterExecs) > 0 {
				break
			}
			e.close()
			return nil, fmt.Errorf("syscallstat: start %s: the launcher ended before exec (%v)", t.execPath, e.waitErr)
		case <-time.After(200 * time.Microsecond):
		}
	}
	t.started = true
	go e.run()
	return t, nil
}

// attachEBPF traces a running process (with Follow its threads and its
// descendants, those there now and later) or, with Options.Cgroup and pid
// 0, every process of a cgroup.
func attachEBPF(pid int, opts *Options) (*Tracer, error) {
	t, err := newTracer(opts)
	if err != nil {
		return nil, err
	}
	t.pid = pid
	switch {
	case t.opts.Cgroup != "" && pid != 0:
		return nil, fmt.Errorf("syscallstat: attach: pid %d and a cgroup: give one (pid 0 with Options.Cgroup)", pid)
	case t.opts.Cgroup == "" && pid <= 0:
		return nil, fmt.Errorf("syscallstat: attach: invalid pid %d", pid)
	}
	id := pid
	if t.opts.Cgroup == "" {
		// As with ptrace, this process, a zombie and a kernel thread are
		// refused, saying what they are: a trace of its own counter would
		// count itself and never end, a zombie makes no more calls and a
		// kernel thread makes none.
		if what, gone := whatIs(pid); what != "" {
			if gone {
				return nil, &goneError{pid: pid, what: what}
			}
			return nil, fmt.Errorf("syscallstat: attach: %s", what)
		}
		tgid, err := tgidOf(pid)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, notExist(pid, err)
		}
		if t.opts.Follow && err == nil && tgid > 0 {
			id = tgid
		}
	}
	if err := t.newEBPF(); err != nil {
		return nil, err
	}
	e := t.bpf
	if t.opts.Cgroup != "" {
		if err := e.scanCgroup(); err != nil {
			e.close()
			return nil, err
		}
	} else {
		if err := e.objs.Mark(id, bpfprog.Traced); err != nil {
			e.close()
			return nil, fmt.Errorf("syscallstat: attach: %w", err)
		}
		if unix.Kill(id, 0) == unix.ESRCH {
			// Gone before it was marked: its end was not seen.
			e.close()
			return nil, notExist(pid, unix.ESRCH)
		}
		if t.opts.Follow {
			e.markDescendants(id)
		}
	}
	close(e.cmdDone)
	t.started = true
	go e.run()
	return t, nil
}

// markDescendants marks the processes below root that exist now. Each is
// marked before its own children are listed, and the listing repeats until
// it finds nothing new: a child forked after its parent was marked is
// followed by the fork program, one forked before is listed.
func (e *ebpfTrace) markDescendants(root int) {
	marked := map[int]bool{root: true}
	for {
		children := map[int][]int{}
		pids, err := liveProc.PIDs()
		if err != nil {
			return
		}
		for _, p := range pids {
			// stat, not status: it is read for every process of the
			// machine, and is shorter to make and to parse.
			if st, err := liveProc.Process(p).Stat(); err == nil && st.PPID > 0 {
				children[st.PPID] = append(children[st.PPID], p)
			}
		}
		added := 0
		queue := []int{root}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			for _, c := range children[p] {
				if !marked[c] {
					marked[c] = true
					if e.objs.Mark(c, bpfprog.Traced) == nil && unix.Kill(c, 0) == unix.ESRCH {
						e.objs.Unmark(c)
					}
					added++
				}
				queue = append(queue, c)
			}
		}
		if added == 0 {
			return
		}
	}
}

// scanCgroup marks every process of the cgroup directory and those below
// it. It fails if the cgroup is gone.
func (e *ebpfTrace) scanCgroup() error {
	root := e.t.opts.Cgroup
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root {
				return fmt.Errorf("syscallstat: cgroup: %w", err)
			}
			return nil // a child cgroup removed meanwhile
		}
		if !d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(filepath.Join(path, "cgroup.procs"))
		if err != nil {
			if path == root {
				return fmt.Errorf("syscallstat: cgroup: %w", err)
			}
			return nil
		}
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil && pid > 0 && e.objs.State(pid) == 0 {
				if e.objs.Mark(pid, bpfprog.Traced) == nil && unix.Kill(pid, 0) == unix.ESRCH {
					e.objs.Unmark(pid)
				}
			}
		}
		return nil
	})
}

// cancel ends the trace as Tracer.cancel does for ptrace.
func (e *ebpfTrace) cancel(sig syscall.Signal) {
	select {
	case <-e.t.done:
		return
	default:
	}
	e.once.Do(func() {
		if sig == 0 {
			sig = e.t.opts.CancelSignal
		}
		if sig == 0 {
			sig = syscall.SIGKILL
		}
		e.t.cancelled.Store(true)
		if e.t.launched {
			// As strace does for the command it started. Through
			// os.Process: once cmd.Wait has reaped the command (the
			// trace goes on with Follow) it sends nothing, and before
			// it signals through a pidfd, so the pid, free for reuse
			// after the reaping, never reaches another process.
			p := e.t.cmd.Process
			p.Signal(syscall.SIGCONT)
			p.Signal(sig)
		}
		e.cancelCh <- sig
	})
}

// Polling periods of run: the end of the traced processes is seen in the
// procs map within pollEvery, a process that ended unseen (a recursion
// miss on sched_process_exit) is pruned and the cgroup rescanned every
// pruneEvery.
const (
	pollEvery  = 2 * time.Millisecond
	pruneEvery = 100 * time.Millisecond
)

// run waits for the end of the trace: every traced process gone (and the
// launched command reaped), or a cancellation; then detaches and builds the
// summary.
func (e *ebpfTrace) run() {
	t := e.t
	defer close(t.done)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	cmdDone := e.cmdDone
	exited := !t.launched
	lastPrune := time.Now()
	var cancelled bool
loop:
	for {
		select {
		case sig := <-e.cancelCh:
			cancelled = true
			if t.launched && sig == syscall.SIGKILL && !exited {
				// The command dies: its end is in the summary; the
				// rest is left at once.
				<-e.cmdDone
				exited = true
			}
			break loop
		case <-cmdDone:
			exited, cmdDone = true, nil
		case <-tick.C:
		}
		if time.Since(lastPrune) >= pruneEvery {
			lastPrune = time.Now()
			e.prune()
		}
		if exited && e.objs.Empty() && !e.cgroupAlive() {
			break
		}
	}
	e.objs.Detach()
	if t.launched && exited {
		t.exit = exitOf(t.cmd.ProcessState)
	}
	t.sum = e.summary()
	e.close()
	if cancelled || t.cancelled.Load() {
		t.err = context.Canceled
	}
}

// cgroupAlive reports whether a traced cgroup still exists: a cgroup's
// trace ends when it is removed.
func (e *ebpfTrace) cgroupAlive() bool {
	if e.cgroup == nil {
		return false
	}
	_, err := os.Stat(filepath.Join(e.t.opts.Cgroup, "cgroup.procs"))
	return err == nil
}

// prune forgets traced ids whose end was not seen, and rescans a cgroup
// for processes moved into it (which neither forked nor exec'd since).
func (e *ebpfTrace) prune() {
	for _, id := range e.objs.IDs() {
		if unix.Kill(id, 0) == unix.ESRCH {
			e.objs.Unmark(id)
		}
	}
	if e.cgroup != nil {
		e.scanCgroup()
	}
}

func exitOf(ps *os.ProcessState) Exit {
	if ps == nil {
		return Exit{}
	}
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if !ok {
		return Exit{}
	}
	x := Exit{Exited: true}
	if ws.Signaled() {
		x.Signal, x.CoreDump = ws.Signal(), ws.CoreDump()
	} else {
		x.Code = ws.ExitStatus()
	}
	return x
}

var (
	rtSigreturn, _       = SyscallNumber(Native, "rt_sigreturn")
	compatRtSigreturn, _ = SyscallNumber(Compat, "rt_sigreturn")
)

// summary reads the statistics map into a Summary.
func (e *ebpfTrace) summary() *Summary {
	type tkey struct{ tgid, tid int }
	threads := map[tkey]Table{}
	e.objs.Each(func(k bpfprog.StatsKey, v bpfprog.StatsValue) {
		nr, abi := int(int32(k.Nr)), Native
		if k.ABI != 0 {
			abi = Compat
		}
		if nr == -1 {
			// rt_sigreturn sets the number in pt_regs to -1 (x86
			// orig_ax, arm64 syscallno: no restart after the
			// handler); its exit without an entry record reads that.
			nr = rtSigreturn
			if abi == Compat {
				nr = compatRtSigreturn
			}
		}
		if !e.t.traced(abi, nr) || v.Calls == 0 {
			return
		}
		tk := tkey{int(k.Tgid), int(k.Tid)}
		threads[tk] = append(threads[tk], Row{Name: nameOf(abi, nr), Number: nr, ABI: abi,
			Counts: Counts{Calls: v.Calls, Errors: v.Errors, Time: time.Duration(v.Nanos)}})
	})
	keys := make([]tkey, 0, len(threads))
	for k := range threads {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b tkey) int { return cmp.Or(cmp.Compare(a.tgid, b.tgid), cmp.Compare(a.tid, b.tid)) })
	s := &Summary{Syscalls: Table{}, Exit: e.t.exit}
	sum := func(dst Table, src Table) Table {
		for _, r := range src {
			i := slices.IndexFunc(dst, func(d Row) bool { return d.Number == r.Number && d.ABI == r.ABI })
			if i < 0 {
				dst = append(dst, r)
			} else {
				dst[i].Counts = dst[i].Counts.Add(r.Counts)
			}
		}
		return dst
	}
	byNumber := func(t Table) {
		slices.SortFunc(t, func(a, b Row) int { return cmp.Or(cmp.Compare(a.ABI, b.ABI), cmp.Compare(a.Number, b.Number)) })
	}
	for _, k := range keys {
		tt := threads[k]
		byNumber(tt)
		if n := len(s.Processes); n == 0 || s.Processes[n-1].PID != k.tgid {
			s.Processes = append(s.Processes, ProcessSummary{PID: k.tgid})
		}
		p := &s.Processes[len(s.Processes)-1]
		p.Threads = append(p.Threads, ThreadSummary{TID: k.tid, Syscalls: tt})
		p.Syscalls = sum(p.Syscalls, tt)
		s.Syscalls = sum(s.Syscalls, tt)
	}
	for i := range s.Processes {
		byNumber(s.Processes[i].Syscalls)
	}
	byNumber(s.Syscalls)
	s.Lost = Lost{
		Calls:           e.objs.Counter(bpfprog.CounterStatsFull) + e.objs.Counter(bpfprog.CounterNoNumber),
		Times:           e.objs.Counter(bpfprog.CounterStartsFull),
		Processes:       e.objs.Counter(bpfprog.CounterProcsFull),
		RecursionMisses: e.objs.RecursionMisses(),
	}
	return s
}
