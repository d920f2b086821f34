//go:build linux && (amd64 || arm64)

package syscallstat

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/procscope/procscope/syscallstat/internal/sysnum"
)

// BaseSyscalls are allowed by every profile unless NoBase is set: what a
// container runtime written in Go (runc, crun's Go peers, this package's
// own launcher) needs between installing the filter and the workload's
// execve, and what the Go runtime may call in any run without a traced run
// having shown it, because it depends on timing and load:
//
//   - rt_sigreturn: the return from every signal handler, notably after an
//     asynchronous preemption signal (SIGURG), which the runtime sends only
//     to a goroutine that has run for 10ms without yielding, so a run on an
//     idle machine may never show it;
//   - getpid and tgkill: sending those preemption signals;
//   - futex, sched_yield, nanosleep: waking and parking threads, spinning
//     and sysmon's sleeps, whose counts and presence vary with contention;
//   - clone, sigaltstack, rt_sigprocmask, gettid, exit: a new thread (when
//     another blocks in a call) and its end;
//   - mmap, munmap, madvise: heap growth and the scavenger returning memory;
//   - epoll_create1, epoll_ctl, epoll_pwait, eventfd2, pipe2: the network
//     poller, started lazily by the first timer or non-blocking file;
//   - restart_syscall: a sleep interrupted by a signal and restarted.
var BaseSyscalls = []string{
	"execve", "exit", "exit_group", "futex", "nanosleep", "sched_yield", "getpid", "gettid", "tgkill",
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "mmap", "munmap", "madvise",
	"read", "write", "close", "fcntl", "epoll_pwait", "clock_gettime", "restart_syscall",
	"clone", "epoll_create1", "epoll_ctl", "eventfd2", "pipe2",
}

// Profile returns an OCI seccomp profile (usable by Docker, Podman, runc)
// that allows the calls of t that were called at least once, and exit and
// exit_group (which never return, so are never counted), and denies
// every other call with EPERM (or logs it, see [ProfileOptions.Log]).
//
// A profile made from observed runs allows only the code paths those runs
// took: an error path, a signal handler, a rarely used flag, a library's
// fallback (say, statx failing over to newfstatat on an old kernel) or a
// different libc may need calls no run made. Trace the workload's tests and
// its unusual paths, merge the runs with [MergeProfiles], and use Log for a
// trial period before enforcing.
func Profile(t Table, opts *ProfileOptions) *specs.LinuxSeccomp {
	var o ProfileOptions
	if opts != nil {
		o = *opts
	}
	var names []string
	for _, r := range t {
		if r.Calls > 0 {
			names = append(names, r.Name)
		}
	}
	// exit and exit_group never return, so they are never counted (as
	// in strace -c), yet every program makes one of them.
	names = append(names, "exit", "exit_group")
	if !o.NoBase {
		names = append(names, BaseSyscalls...)
	}
	names = append(names, o.Extra...)
	p := &specs.LinuxSeccomp{Architectures: profileArches()}
	if o.Log {
		p.DefaultAction = specs.ActLog
	} else {
		eperm := uint(1)
		p.DefaultAction = specs.ActErrno
		p.DefaultErrnoRet = &eperm
	}
	p.Syscalls = []specs.LinuxSyscall{{Names: sortedUnique(names), Action: specs.ActAllow}}
	return p
}

func profileArches() []specs.Arch {
	if nativeAudit == arch.X86_64.ID {
		return []specs.Arch{specs.ArchX86_64, specs.ArchX86, specs.ArchX32}
	}
	return []specs.Arch{specs.ArchAARCH64, specs.ArchARM}
}

func sortedUnique(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// MergeProfiles returns a profile allowing every call any of ps allows, with
// the first profile's default action.
func MergeProfiles(ps ...*specs.LinuxSeccomp) *specs.LinuxSeccomp {
	if len(ps) == 0 {
		return nil
	}
	out := *ps[0]
	out.Syscalls = nil
	var names []string
	var arches []specs.Arch
	for _, p := range ps {
		arches = append(arches, p.Architectures...)
		for _, s := range p.Syscalls {
			if s.Action == specs.ActAllow && len(s.Args) == 0 {
				names = append(names, s.Names...)
			} else {
				out.Syscalls = append(out.Syscalls, s)
			}
		}
	}
	slices.Sort(arches)
	out.Architectures = slices.Compact(arches)
	out.Syscalls = append([]specs.LinuxSyscall{{Names: sortedUnique(names), Action: specs.ActAllow}}, out.Syscalls...)
	return &out
}

// WriteProfile writes Profile(t, opts) as indented JSON to the file path.
func WriteProfile(path string, t Table, opts *ProfileOptions) error {
	b, err := json.MarshalIndent(Profile(t, opts), "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ApplyProfile makes cmd (not yet started) run under p: cmd then starts
// through this package's launch trampoline (see [Start]), which installs p
// as a seccomp-bpf filter on itself and execs the command. Only plain allow
// rules and the errno and log default actions are supported, and only the
// native architecture is built into the filter: calls of other ABIs get the
// default action. It is meant to prove a profile, not to replace a container
// runtime.
func ApplyProfile(cmd *exec.Cmd, p *specs.LinuxSeccomp) error {
	if _, err := profilePolicy(p); err != nil {
		return err
	}
	if cmd.Err != nil {
		return cmd.Err
	}
	js, err := json.Marshal(p)
	if err != nil {
		return err
	}
	cmd.Env = append(slices.Clone(cmd.Environ()), envExec+"="+cmd.Path, envSeccomp+"=profile:"+string(js))
	cmd.Path = "/proc/self/exe"
	return nil
}

// profilePolicy converts p to a go-seccomp-bpf policy for the native arch.
func profilePolicy(p *specs.LinuxSeccomp) (seccomp.Policy, error) {
	var pol seccomp.Policy
	switch p.DefaultAction {
	case specs.ActErrno:
		if p.DefaultErrnoRet != nil && *p.DefaultErrnoRet != 1 {
			return pol, errors.New("syscallstat: profile: only EPERM is supported as defaultErrnoRet")
		}
		pol.DefaultAction = seccomp.ActionErrno // EPERM
	case specs.ActLog:
		pol.DefaultAction = seccomp.ActionLog
	case specs.ActAllow:
		pol.DefaultAction = seccomp.ActionAllow
	default:
		return pol, fmt.Errorf("syscallstat: profile: unsupported default action %s", p.DefaultAction)
	}
	info, err := arch.GetInfo("")
	if err != nil {
		return pol, err
	}
	var names []string
	for _, s := range p.Syscalls {
		if s.Action != specs.ActAllow || len(s.Args) > 0 {
			return pol, fmt.Errorf("syscallstat: profile: only plain %s rules are supported", specs.ActAllow)
		}
		for _, name := range s.Names {
			nr, ok := sysnum.Number(name)
			if !ok {
				continue // a call of another ABI only
			}
			bpfName, ok := info.SyscallNumbers[nr]
			if !ok {
				return pol, fmt.Errorf("syscallstat: profile: go-seccomp-bpf does not know %s (%d)", name, nr)
			}
			names = append(names, bpfName)
		}
	}
	if len(names) > 0 {
		pol.Syscalls = []seccomp.SyscallGroup{{Names: sortedUnique(names), Action: seccomp.ActionAllow}}
	}
	return pol, nil
}

// installProfile is the trampoline's side of ApplyProfile.
func installProfile(js []byte) error {
	var p specs.LinuxSeccomp
	if err := json.Unmarshal(js, &p); err != nil {
		return err
	}
	pol, err := profilePolicy(&p)
	if err != nil {
		return err
	}
	return loadPolicy(pol)
}
