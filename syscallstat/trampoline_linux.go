//go:build linux && (amd64 || arm64)

package syscallstat

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// The launch trampoline. Go cannot run code between fork and exec, yet the
// tracer wants the command seized (PTRACE_SEIZE, not PTRACE_TRACEME) before
// its first instruction, and the seccomp fast path needs a filter installed
// in the child before exec. So Start runs this very binary again
// (/proc/self/exe) with the command's argv and environment plus three
// variables; this package's init sees them and:
//
//  1. refuses (exit 127) in secure-execution mode (AT_SECURE: a setuid or
//     setgid binary, or one with file capabilities), where the variables
//     come from whoever ran it, not from this package;
//  2. reads one byte from the sync pipe: by then the tracer has seized this
//     thread and resumed it with syscall tracing;
//  3. installs the seccomp filter, if asked (an installed RET_TRACE filter
//     without a tracer would make calls fail with ENOSYS, hence after 2);
//  4. execs the command with the variables removed.
//
// What runs in the child before that exec: the Go runtime's start-up, then
// package initialisation up to this package's init, which is every package
// Go initialises before it: this package's own dependencies (the standard
// library packages it imports, golang.org/x/sys/unix, go-seccomp-bpf, the
// OCI runtime-spec types, procscope's proc), and, since Go 1.21 initialises
// packages in import-path order as soon as their imports are done, any
// other package of the program whose import path sorts before
// "github.com/procscope/procscope/syscallstat" and whose own imports are
// initialised by then. Their package-level variables and init functions
// run; main.init, main.main and everything initialised later do not.
//
// Package init runs on the main thread (the runtime locks it there during
// initialisation), the thread the tracer seized. The trampoline's own calls
// are not counted; its execve is, as strace counts the execve it starts the
// command with. The other runtime threads are untraced and vanish at exec.
//
// trampoline is the seam for anything else that must run in the child
// before the exec: it is the only code between the init checks and
// syscall.Exec.
func init() {
	_, wake := os.LookupEnv(envWake)
	path, launch := os.LookupEnv(envExec)
	if !wake && !launch {
		return
	}
	if secureExec() {
		fmt.Fprintln(os.Stderr, "syscallstat: refusing to act as launcher in secure-execution mode (AT_SECURE): "+
			envExec+" or "+envWake+" is set in a setuid, setgid or file-capability program")
		os.Exit(127)
	}
	if wake {
		waker()
	}
	trampoline(path)
}

// secureExec reports whether the kernel started this program in
// secure-execution mode (AT_SECURE in the auxiliary vector), or, if the
// auxiliary vector cannot be read, whether its real and effective ids
// differ.
func secureExec() bool {
	if auxv, err := unix.Auxv(); err == nil {
		for _, kv := range auxv {
			if kv[0] == _AT_SECURE {
				return kv[1] != 0
			}
		}
	}
	return os.Getuid() != os.Geteuid() || os.Getgid() != os.Getegid()
}

// _AT_SECURE is the auxiliary vector's AT_SECURE entry (linux/auxvec.h).
const _AT_SECURE = 23

func trampoline(path string) {
	var env []string
	syncFD := -1
	spec := ""
	for _, kv := range os.Environ() {
		switch {
		case strings.HasPrefix(kv, envExec+"="):
		case strings.HasPrefix(kv, envSync+"="):
			syncFD, _ = strconv.Atoi(kv[len(envSync)+1:])
		case strings.HasPrefix(kv, envSeccomp+"="):
			spec = kv[len(envSeccomp)+1:]
		default:
			env = append(env, kv)
		}
	}
	if syncFD >= 0 {
		var b [1]byte
		n, err := unix.Read(syncFD, b[:])
		for err == syscall.EINTR {
			n, err = unix.Read(syncFD, b[:])
		}
		unix.Close(syncFD)
		if n != 1 {
			os.Exit(127) // the tracer went away
		}
	}
	if spec != "" {
		if err := installFilter(spec); err != nil {
			fmt.Fprintf(os.Stderr, "syscallstat: seccomp filter: %v\n", err)
			os.Exit(127)
		}
	}
	err := syscall.Exec(path, os.Args, env)
	fmt.Fprintf(os.Stderr, "syscallstat: exec %s: %v\n", path, err)
	os.Exit(127)
}

// installFilter installs the filter named by spec: "profile:JSON" (an OCI
// seccomp profile, see profile.go) or a trace filter (see traceFilter).
func installFilter(spec string) error {
	if js, ok := strings.CutPrefix(spec, "profile:"); ok {
		return installProfile([]byte(js))
	}
	p, err := traceFilter(spec)
	if err != nil {
		return err
	}
	return loadPolicy(p)
}
