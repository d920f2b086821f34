//go:build linux && (amd64 || arm64)

package syscallstat

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/sys/unix"

	"github.com/procscope/procscope/syscallstat/internal/sysnum"
)

// traceFilterSpec encodes the syscalls the launched command's filter sends
// to the tracer, for the trampoline: "all", or native numbers.
func (t *Tracer) traceFilterSpec() (string, error) {
	if t.filter[Native] == nil {
		return "all", nil
	}
	info, err := arch.GetInfo("")
	if err != nil {
		return "", fmt.Errorf("syscallstat: seccomp-bpf: %w", err)
	}
	var nrs []string
	for nr, on := range t.filter[Native] {
		if !on {
			continue
		}
		if _, ok := info.SyscallNumbers[nr]; !ok {
			return "", fmt.Errorf("syscallstat: seccomp-bpf: go-seccomp-bpf does not know %s (%d); trace without SeccompBPF",
				sysnum.Name(nr), nr)
		}
		nrs = append(nrs, strconv.Itoa(nr))
	}
	return strings.Join(nrs, ","), nil
}

// traceFilter builds the filter of spec (see traceFilterSpec). "all"
// returns SECCOMP_RET_TRACE for every call of every ABI. A list traces
// those native calls and allows everything else: go-seccomp-bpf builds a
// filter for one architecture, so with a list compat calls are not seen.
func traceFilter(spec string) (seccomp.Policy, error) {
	if spec == "all" {
		// go-seccomp-bpf wants at least one group; one that repeats the
		// default action changes nothing.
		return seccomp.Policy{DefaultAction: seccomp.ActionTrace,
			Syscalls: []seccomp.SyscallGroup{{Names: []string{"read"}, Action: seccomp.ActionTrace}}}, nil
	}
	info, err := arch.GetInfo("")
	if err != nil {
		return seccomp.Policy{}, err
	}
	var names []string
	for _, f := range strings.Split(spec, ",") {
		nr, err := strconv.Atoi(f)
		if err != nil {
			return seccomp.Policy{}, fmt.Errorf("bad syscall number %q", f)
		}
		name, ok := info.SyscallNumbers[nr]
		if !ok {
			return seccomp.Policy{}, fmt.Errorf("unknown syscall number %d", nr)
		}
		names = append(names, name)
	}
	return seccomp.Policy{
		DefaultAction: seccomp.ActionAllow,
		Syscalls:      []seccomp.SyscallGroup{{Names: names, Action: seccomp.ActionTrace}},
	}, nil
}

// loadPolicy installs p on the calling thread. Without CAP_SYS_ADMIN the
// kernel demands no_new_privs first; as root we leave it unset, so setuid
// programs keep working as they would untraced.
func loadPolicy(p seccomp.Policy) error {
	err := seccomp.LoadFilter(seccomp.Filter{Policy: p})
	if err != nil && errors.Is(err, syscall.EACCES) {
		err = seccomp.LoadFilter(seccomp.Filter{NoNewPrivs: true, Policy: p})
	}
	return err
}

// seccompStop handles PTRACE_EVENT_SECCOMP: the entry of a traced call.
func (t *Tracer) seccompStop(th *thread) {
	e := ptraceRaw(unix.PTRACE_GET_SYSCALL_INFO, th.tid, syscallInfoSize, unsafe.Pointer(&t.info))
	if e != 0 || t.info.Op != unix.PTRACE_SYSCALL_INFO_SECCOMP {
		t.resumeWith(th, unix.PTRACE_CONT, 0)
		return
	}
	abi, nr := t.abiOf(t.info.Arch), int(t.info.NrOrRval)
	if t.opts.CountsOnly && !th.preExec {
		// No exit stop at all: count at entry, except the calls that
		// never return, which strace (counting at exit) never shows.
		if t.traced(abi, nr) && !noReturn(abi, nr) {
			th.counts(abi, nr).Calls++
		}
		t.resumeWith(th, unix.PTRACE_CONT, 0)
		return
	}
	t.enter(th, abi, nr)
	t.resume(th, 0) // PTRACE_SYSCALL if the exit is needed
}

var noReturnNrs = func() (n [2][2]int) {
	n[Native][0], _ = sysnum.Number("exit")
	n[Native][1], _ = sysnum.Number("exit_group")
	n[Compat][0], _ = sysnum.CompatNumber("exit")
	n[Compat][1], _ = sysnum.CompatNumber("exit_group")
	return n
}()

func noReturn(abi ABI, nr int) bool {
	return nr == noReturnNrs[abi][0] || nr == noReturnNrs[abi][1]
}
