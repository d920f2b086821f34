package syscallstat

import "syscall"

// Options configure a trace. The zero value (or nil) traces only the
// started or attached thread group's first thread, counts every system
// call and measures system CPU time, as plain strace -c does.
type Options struct {
	// Follow traces forks, vforks, clones and threads, those that exist
	// when attaching and those created later, like strace -f.
	Follow bool
	// Syscalls, if not empty, limits counting to these names (strace's
	// names, as in strace -e trace=NAME,...). Unknown names are an error.
	Syscalls []string
	// WallClock measures the wall-clock time from syscall entry to exit
	// (strace -w) instead of the system CPU time the thread group spent
	// between the two stops (strace's default, read from wait4's rusage).
	WallClock bool
	// CountsOnly counts calls only: no errors and no time. With SeccompBPF
	// the tracer then needs just one stop per traced call and none at exit;
	// calls are counted at entry, except exit and exit_group which never
	// return and which strace (counting at exit) never shows.
	CountsOnly bool
	// SeccompBPF makes [Start] install a seccomp-bpf filter in the command
	// before it runs, so that only the traced calls stop the tracee (like
	// strace --seccomp-bpf). It needs Follow (the filter is inherited by
	// every child, so untraced children would fail their calls with
	// ENOSYS). [Attach] ignores it: a running process cannot be given a
	// filter. For the same reason a cancelled trace cannot detach: after
	// CancelSignal every tracee (the command and all its children) is
	// killed with SIGKILL, as strace --seccomp-bpf (which implies
	// --kill-on-exit) does. See the package documentation.
	SeccompBPF bool
	// CancelSignal is sent to a launched command, after a SIGCONT, when
	// the trace is cancelled, as strace does with the signal that
	// interrupted it ([Tracer.Cancel] can choose it at that moment). Zero
	// means SIGKILL: the command's threads are then traced to their end
	// and the command is reaped (its exit is in the summary), and its
	// children are detached. With any other signal every tracee is
	// detached, and the command is reaped in the background if it ends.
	// With SeccompBPF nothing is detached: every tracee is killed.
	CancelSignal syscall.Signal
	// QuietSIGCHLD sets SA_NOCLDSTOP on the process's SIGCHLD handler while
	// the trace runs, and restores it after. The kernel sends the tracer
	// process a SIGCHLD for every ptrace stop (two per traced call), and the
	// Go runtime's handler runs for each; without them a syscall-bound
	// trace runs up to twice as fast. The cost, which is why it is not the
	// default: while any such trace runs, a program watching SIGCHLD with
	// os/signal still gets it when a child exits but not when one stops or
	// continues, and the program must not change SIGCHLD's disposition
	// (signal.Ignore, signal.Reset) meanwhile. A command-line tool that
	// does not watch SIGCHLD, such as examples/syscount, should set it.
	QuietSIGCHLD bool
}

// ProfileOptions configure [Profile]. The zero value (or nil) gives an
// errno profile with [BaseSyscalls] added.
type ProfileOptions struct {
	// NoBase leaves out BaseSyscalls.
	NoBase bool
	// Extra names are allowed as well.
	Extra []string
	// Log makes the default action SCMP_ACT_LOG (log, then allow) instead
	// of SCMP_ACT_ERRNO with EPERM: a trial period that shows in the
	// audit log what the observed runs missed.
	Log bool
}
