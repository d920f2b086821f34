// Package syscallstat counts the system calls of a command it starts or of
// a running process it attaches to, with ptrace as strace -c does or with
// eBPF programs in the kernel (see [Options.Backend]): calls,
// errors and time per call, for all traced processes together and per
// process and per thread. It also writes and reads strace's summary table,
// and turns a summary into an OCI seccomp profile.
//
// [Start] runs an *exec.Cmd under the tracer and [Attach] seizes a running
// process; [Tracer.Wait] runs the trace to its end and returns a [Summary].
// [WriteSummary] prints a [Table] exactly as strace -c lays it out and
// [ParseSummary] reads such a table back.
//
// # What it reads
//
// Besides ptrace and wait4, the tracer reads, through package proc,
// /proc/PID/task (the threads to seize when attaching) and the Tgid and
// TracerPid of /proc/PID/status (the process of a new clone; who holds a
// process that cannot be seized), and its uids and
// /proc/sys/kernel/yama/ptrace_scope (to explain a permission error).
//
// # Ptrace discipline
//
// One goroutine per [Tracer], locked to its OS thread, makes every ptrace
// request. Tracees are seized with PTRACE_SEIZE, so that group-stops can be
// told apart (PTRACE_EVENT_STOP) and kept with PTRACE_LISTEN: a traced
// program stopped by SIGSTOP stays stopped until SIGCONT, as untraced.
// Syscall-stops (SIGTRAP|0x80), signal-delivery-stops (the signal is
// delivered), group-stops and event-stops (fork, vfork, clone, exec,
// seccomp) are handled apart. PTRACE_GET_SYSCALL_INFO tells entry from exit
// and the ABI of each call. An error is a return value in -4095..-1. An exec
// in a multi-threaded process moves the execing thread to the process ID.
//
// Calls are counted at their exit, as strace counts them, so exit and
// exit_group never show, and a call interrupted by the death of its thread
// does not either.
//
// # Launching
//
// Go cannot run code between fork and exec, so [Start] runs the program's
// own binary again (/proc/self/exe) as a trampoline: this package's init
// notices it, waits until the tracer has seized it, installs the seccomp
// filter if asked, and execs the command. The trampoline's own calls are
// not counted; the execve that starts the command is, as in strace. Any
// program that imports this package can serve as its own trampoline.
//
// What runs in the child before the command's exec: the Go runtime's
// start-up and the initialisation of every package Go initialises before
// this one, that is this package's dependencies and any package of the
// program whose import path sorts before
// "github.com/procscope/procscope/syscallstat" once its own imports are
// initialised (Go 1.21 and later initialise in that order); main's init
// and main never run. In secure-execution mode (AT_SECURE: a setuid,
// setgid or file-capability program) the trampoline refuses to act (exit
// status 127) instead of exec'ing a path taken from the environment.
//
// # Seccomp fast path
//
// With [Options.SeccompBPF] the trampoline installs a seccomp-bpf filter
// (built with github.com/elastic/go-seccomp-bpf, whose SECCOMP_RET_TRACE
// action is what this needs) before exec: the kernel stops the tracee only
// at the traced calls (PTRACE_EVENT_SECCOMP) and the tracer asks for the exit
// stop only when it needs errors or times; with [Options.CountsOnly] it
// needs no exit stop at all. Children inherit the filter, so the fast path
// needs [Options.Follow]. A running process cannot be given a filter:
// [Attach] always uses the normal path. With a name filter
// ([Options.Syscalls]) the BPF program covers the native ABI only, so compat
// calls are not seen; without one every call of every ABI stops.
//
// A traced program with the filter cannot run untraced (each call the filter
// sends to a tracer that is gone fails with ENOSYS), so a fast-path trace is
// never detached: when it is cancelled, every tracee is killed with SIGKILL
// (after [Options.CancelSignal] to the command), and if the tracing program
// dies the kernel kills them (PTRACE_O_EXITKILL), as strace --seccomp-bpf
// (which implies --kill-on-exit) does.
//
// # Seccomp profiles
//
// [Profile] turns the observed calls into an OCI (Docker, runc) profile with
// the runtime-spec types; [ApplyProfile] runs a command under one, to prove
// it. A profile made from observed runs only allows the code paths those
// runs took: error handling, signals, rarely used options, library
// fallbacks, another kernel or libc can need calls no run made. Merge runs
// with [MergeProfiles] and use [ProfileOptions.Log] for a trial period.
//
// A Go program also makes calls that depend on timing and load, not on its
// code path: a run on an idle machine may not show rt_sigreturn (the return
// from the asynchronous preemption signal the runtime sends to a goroutine
// that runs 10ms without yielding; without it the program dies at the first
// preemption), getpid and tgkill (sending that signal), sched_yield,
// nanosleep and futex (spinning, sysmon, contention), clone and a new
// thread's sigaltstack, rt_sigprocmask and gettid, munmap and madvise (the
// scavenger), or the network poller's epoll_create1, epoll_ctl, eventfd2
// and pipe2. [BaseSyscalls], added unless [ProfileOptions.NoBase] is set,
// allows them.
//
// # Time
//
// By default the time of a call is the system CPU time the thread group
// used between its entry and exit stops, read from wait4's rusage, as
// strace measures it; the kernel samples and scales that time, so it is
// coarse and may be zero. [Options.WallClock] measures wall-clock latency
// from entry to exit instead (strace -w), which includes the tracer's stops.
//
// # Speed
//
// By default the tracer leaves the program's signal handlers alone: the
// kernel sends the program a SIGCHLD for every ptrace stop, which a program
// that watches SIGCHLD with os/signal sees too, and the Go runtime's handler
// runs for each. [Options.QuietSIGCHLD] sets SA_NOCLDSTOP on that handler
// while the trace runs, so stops send none (exits still do): a tool that
// does not watch its children's stops, such as examples/syscount, should set
// it. ptrace requests are raw system calls, and
// the tracer polls wait4 and yields the CPU a bounded number of times before
// it blocks in a wait4 the Go runtime knows about, so a long wait never
// blocks the garbage collector. Counting allocates nothing per call.
//
// # Errors
//
// Errors wrap the errno: errors.Is(err, fs.ErrPermission) holds when ptrace
// is denied (the message names what is missing: Yama's ptrace_scope,
// another user's process, CAP_SYS_PTRACE), errors.Is(err, fs.ErrNotExist)
// and errors.Is(err, [github.com/procscope/procscope/proc.ErrGone]) when the process does not exist (or is
// a zombie), and
// errors.Is(err, [ErrAlreadyTraced]) when a debugger or strace holds it.
// A command that cannot be started returns the exec error (for example
// fs.ErrNotExist for a missing file). Attaching to this process, to a kernel
// thread or to a zombie fails with an error that says so. Every error is
// one line.
//
// # Cancellation
//
// [Tracer.Wait]'s context, [Tracer.Cancel] and [Tracer.Close] end a trace
// from another goroutine. The tracer thread may be blocked in wait4, which
// only a tracee's event wakes: cancel queues a SIGSTOP with a random cookie
// (the "kick") to a thread that is traced and not parked in a group-stop,
// which the tracer recognises and suppresses. While every tracee is parked
// in a group-stop the tracer thread blocks with a "waker" child of its own
// (this binary again, started like the launch trampoline and waiting for
// EOF on a pipe) that cancel ends (if the waker cannot run, say in a setuid
// program, the tracer polls every 5ms instead). A launched command is
// signalled through os.Process (a pidfd where the kernel has them) and never
// after it was reaped. Calls are counted only up to the cancellation: a call in flight
// then (a sleep the detach interrupts) is not counted, as strace -c does not
// count it.
//
// # Races
//
// Processes and threads may end at any moment: a thread that ends between
// the listing of /proc/PID/task and its seizure is skipped, and one that
// ends while stopped is simply reported gone by wait4. Counts of threads
// that ended are kept in the summary.
//
// # The eBPF backend
//
// With [Options.Backend] set to [EBPF], [Start] and [Attach] count in the
// kernel and never stop the program: eBPF programs on the raw tracepoints
// sys_enter and sys_exit count calls, errors and time per thread, and
// programs on sched_process_fork, sched_process_exec and sched_process_exit
// follow new processes (from their first instruction: the fork tracepoint
// runs in the parent before the child can run), the launcher's execve and
// the end of each process. The programs are built in Go with
// github.com/cilium/ebpf's asm package: no C compiler, no object files.
// The result is the same [Summary], per process and per thread, and
// [Summary.Lost] counts anything that could not be counted (a full map, a
// call whose number could not be read, a program run the kernel skipped
// because another eBPF program was running on the CPU); nothing is dropped
// silently. [Options.CountsOnly] attaches sys_exit alone (calls and
// errors, no time): the cheapest run. Where the kernel has BTF-typed raw
// tracepoints (tp_btf, Linux 5.5 with BTF), the two syscall programs are
// such, and read the registers with plain loads rather than helper calls.
//
// [Start] reuses the launch trampoline: the trampoline, the caller's child,
// is marked pending and counts nothing until its execve succeeds, and that
// execve is counted, exactly where strace starts. The calling process is
// never marked, so another goroutine's exec.Command is not followed.
// [Attach] with [Options.Follow] counts every thread of the process and its
// descendants, those there at the attach (found in /proc) and those forked
// later. [Options.Cgroup] (with [Attach] and pid 0) counts every process of
// a cgroup v2 directory and below it, those there at the start and those
// that later fork or exec in it (runc exec, a pod's new containers) or are
// moved into it (found by a rescan every 100 ms); the trace ends when the
// directory is removed or the trace is cancelled. The counted processes are
// never touched.
//
// It needs Linux 5.8 or later with BTF (/sys/kernel/btf/vmlinux: the
// offsets of a few task_struct and pt_regs fields are read from it) and
// CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN (Debian 11, Ubuntu 22.04, RHEL 9
// and later). The capabilities are checked first and a missing one is named
// in an error matching fs.ErrPermission; a kernel without what is needed
// gives an error matching errors.ErrUnsupported naming the version; both,
// and a verifier rejection (whose whole log is in the error), also match
// [ErrEBPFUnavailable], on which a caller may fall back to ptrace. The
// programs see the initial pid namespace's pids: in another pid namespace
// (a container) the backend refuses with errors.ErrUnsupported. Before 5.11
// the maps are charged to RLIMIT_MEMLOCK, which is raised (CAP_SYS_RESOURCE).
// The maps take about 6 MiB, preallocated.
//
// What differs from strace and the ptrace backend:
//
//   - Time is wall-clock from entry to exit, as strace -w (the ptrace
//     backend's default is system CPU time); [Options.WallClock] is implied.
//   - Calls denied by a seccomp filter never reach sys_enter (the kernel
//     runs seccomp first) but do reach sys_exit: they are counted with
//     their error and no time, as strace counts them. rt_sigreturn leaves -1
//     as the number in the registers; a number of -1 is counted as
//     rt_sigreturn.
//   - A call in flight when the trace begins is counted (without time) if
//     it returns while the trace runs; one in flight at the end is not.
//   - A new thread or process returns from its parent's clone or fork
//     through sys_exit; that return is not a call of its own and is not
//     counted (strace does not see it either).
//   - Compat (32-bit) calls are counted in the compat table, told apart by
//     the code segment in the registers on x86-64 (pstate's 32-bit mode on
//     arm64); an int 0x80 from 64-bit code, which strace counts as compat,
//     is counted as native here. An execve is counted in the ABI it was
//     called in (taken at entry), except in counts-only mode, where an
//     execve that changes the ABI is counted in the new program's table
//     (the kernel renumbers it so for its return).
//   - A thread that execs from a non-leader thread keeps its earlier calls
//     under its old TID; the execve and what follows are under the process
//     ID (the ptrace backend moves the whole thread). Per-process tables are
//     the same.
//   - [Options.SeccompBPF] and [Options.QuietSIGCHLD] do not apply; a group
//     stop is untouched (the program is never stopped). Cancelling sends a
//     launched command [Options.CancelSignal] (SIGKILL by default, whose end
//     is then in the summary) as the ptrace backend does; a counter killed
//     with SIGKILL leaves nothing loaded (programs, links and maps are file
//     descriptors, nothing is pinned) and its launched command keeps
//     running, as with ptrace.
//
// What it costs the rest of the machine: while the programs are attached,
// every system call of every process runs the two raw syscall tracepoints
// (one in counts-only mode); an untraced process's call reads its state
// byte (addressed directly: a helper call for its pid and four
// instructions) per hook and returns; a traced call goes from that byte
// straight to counting. Memory: one byte
// per possible pid (pid_max; 4 MiB at the largest) for the states, beside
// the hash maps of traced processes, entry times and counts. bench/ebpf.sh
// measures this beside libbpf-tools' syscount and beside empty programs on
// the same hooks (the floor no tool on them can go below); keep traces
// bounded, and know that a syscall-heavy neighbour pays a few tens of
// percent while one runs.
//
// When to pick ptrace: no CAP_BPF/CAP_PERFMON or CAP_SYS_ADMIN (ptrace needs
// only the same uid for one's own processes), a kernel before 5.8 or
// without BTF, a pid namespace, int 0x80 calls from 64-bit code, system
// CPU time per call instead of wall-clock, or when the rest of the machine
// must not pay anything (ptrace slows only the traced program, but that one by tens to
// hundreds of times).
//
// # Kernel versions
//
// PTRACE_SEIZE, PTRACE_INTERRUPT and PTRACE_LISTEN need Linux 3.4,
// PTRACE_GET_SYSCALL_INFO Linux 5.3, and the fast path's exit stop after a
// seccomp stop Linux 4.8.
package syscallstat
