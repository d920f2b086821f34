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
// variables; this package's init sees them, before main and before any
// other code of the program runs, and:
//
//  1. reads one byte from the sync pipe: by then the tracer has seized this
//     thread and resumed it with syscall tracing;
//  2. installs the seccomp filter, if asked (an installed RET_TRACE filter
//     without a tracer would make calls fail with ENOSYS, hence after 1);
//  3. execs the command with the variables removed.
//
// Package init runs on the main thread (the runtime locks it there during
// initialisation), the thread the tracer seized. The trampoline's own calls
// are not counted; its execve is, as strace counts the execve it starts the
// command with. The other runtime threads are untraced and vanish at exec.
func init() {
	if _, ok := os.LookupEnv(envWake); ok {
		waker()
	}
	path, ok := os.LookupEnv(envExec)
	if !ok {
		return
	}
	trampoline(path)
}

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
