//go:build linux

// Syscount counts the system calls of a command or of a running process and
// prints the summary exactly as strace -c lays it out.
//
//	syscount [-f] [-w] [-S time|calls|errors|name|nothing] [-e trace=LIST]
//	         [-o FILE] [-json] [-seccomp-bpf=false] [-seccomp-profile FILE]
//	         [-counts] (-p PID | -- CMD ARGS...)
//
// -f follows forks and threads, -w measures wall-clock time per call
// instead of system CPU time, -S sorts, -e trace=a,b counts only those calls,
// -o writes the summary to FILE instead of stderr, and -json writes
// {"syscalls": [{"name", "number", "calls", "errors", "seconds"}], "total":
// {"calls", "errors", "seconds"}, "exit_code"} instead of the table (a row
// of the 32-bit compat ABI also has "compat": true; exit_code is 0 for -p).
//
// A launched command is traced with one stop per traced call where it can
// (a seccomp-bpf filter, with -f only, as strace --seccomp-bpf);
// -seccomp-bpf=false turns that off. -seccomp-profile FILE writes an OCI
// seccomp profile allowing the calls that were seen. -counts counts calls
// only (the errors and time columns stay empty): with the fast path the
// command then stops once per traced call and never at a call's exit.
//
// The flags that share a letter with strace's mean what strace's mean: -f,
// -w, -S, -e trace=, -o and -p (one PID); -h prints the usage and exits 0.
//
// Syscount exits with the command's status, and dies of the same signal if
// the command did. On SIGINT (or SIGTERM, SIGHUP) while attached with -p it
// detaches, leaving the process running, prints the summary and exits
// 128+signal (130 for SIGINT, 143 for SIGTERM), as strace does; a launched
// command is sent the signal, the summary printed, and syscount dies of that
// signal, as strace does. -o and -seccomp-profile are opened before anything
// is traced: an unwritable path fails at once.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/procscope/procscope/syscallstat"
)

func main() {
	code, sig, err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "syscount:", err)
		if code == 0 {
			code = 1
		}
	}
	if sig != 0 {
		dieOf(sig)
	}
	os.Exit(code)
}

// dieOf ends the process with sig, bypassing the Go runtime's handler (which
// would print a trace for SIGSEGV or SIGABRT); exits 128+sig if sig does not
// kill.
func dieOf(sig syscall.Signal) {
	var sa [4]uint64 // struct sigaction with SIG_DFL
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&sa)), 0, 8, 0, 0)
	var set [1]uint64
	set[0] = 1 << (uint(sig) - 1)
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_UNBLOCK, uintptr(unsafe.Pointer(&set)), 0, 8, 0, 0)
	unix.Tgkill(os.Getpid(), unix.Gettid(), sig)
	os.Exit(128 + int(sig))
}

type jsonRow struct {
	Name    string  `json:"name"`
	Number  int     `json:"number"`
	Calls   uint64  `json:"calls"`
	Errors  uint64  `json:"errors"`
	Seconds float64 `json:"seconds"`
	Compat  bool    `json:"compat,omitempty"`
}

type jsonTotal struct {
	Calls   uint64  `json:"calls"`
	Errors  uint64  `json:"errors"`
	Seconds float64 `json:"seconds"`
}

type jsonSummary struct {
	Syscalls []jsonRow `json:"syscalls"`
	Total    jsonTotal `json:"total"`
	ExitCode int       `json:"exit_code"`
}

// run is syscount. It returns the exit code, or a signal to die of.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (int, syscall.Signal, error) {
	fs := flag.NewFlagSet("syscount", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: syscount [flags] -p PID\n       syscount [flags] -- CMD [ARG...]\n\n"+
			"Counts the system calls of process PID or of the command CMD, as strace -c does.\n\nflags:")
		fs.PrintDefaults()
	}
	follow := fs.Bool("f", false, "follow forks, vforks and threads")
	wall := fs.Bool("w", false, "wall-clock time from syscall entry to exit")
	sortBy := fs.String("S", "time", "sort by time, calls, errors, name or nothing")
	expr := fs.String("e", "", "trace=NAME,... : count only these calls")
	outFile := fs.String("o", "", "write the summary to `FILE` instead of stderr")
	asJSON := fs.Bool("json", false, "write JSON instead of the table")
	pid := fs.Int("p", 0, "attach to process `PID`")
	useBPF := fs.Bool("seccomp-bpf", true, "stop only at traced calls with a seccomp-bpf filter (launched command with -f)")
	profile := fs.String("seccomp-profile", "", "write an OCI seccomp profile of the seen calls to `FILE`")
	countsOnly := fs.Bool("counts", false, "count calls only (errors and times stay zero): with the seccomp-bpf fast path, one stop per call")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			// Asked for: the usage goes to stdout and it is no error.
			fs.SetOutput(stdout)
			fs.Usage()
			return 0, 0, nil
		}
		return 2, 0, nil
	}
	key, err := syscallstat.ParseSortKey(*sortBy)
	if err != nil {
		return 2, 0, err
	}
	// syscount watches no SIGCHLD: skip the one the kernel sends per ptrace stop.
	opts := &syscallstat.Options{Follow: *follow, WallClock: *wall, CountsOnly: *countsOnly, QuietSIGCHLD: true}
	if *expr != "" {
		list := strings.TrimPrefix(*expr, "trace=")
		if strings.Contains(list, "=") {
			return 2, 0, fmt.Errorf("-e %s: only trace=LIST is supported", *expr)
		}
		opts.Syscalls = strings.Split(list, ",")
	}
	switch {
	case *pid == 0 && fs.NArg() == 0:
		fs.Usage()
		return 2, 0, errors.New("nothing to trace: give -p PID, or -- and a command")
	case *pid != 0 && fs.NArg() > 0:
		return 2, 0, errors.New("give -p PID or -- CMD ARGS..., not both")
	case *pid < 0:
		return 2, 0, fmt.Errorf("-p %d: not a process ID", *pid)
	}

	// The output is opened first, as strace does: an unwritable path fails
	// before anything is traced instead of losing the summary after.
	out := stderr
	if *outFile != "" {
		f, err := os.Create(*outFile)
		if err != nil {
			return 1, 0, err
		}
		defer f.Close()
		out = f
	}
	var profFile *os.File
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return 1, 0, err
		}
		defer f.Close()
		profFile = f
	}

	// Signals that end the trace: detach (attached), or send the signal on
	// to the command and detach (launched), as strace does.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	var got atomic.Int32

	bpfAsked := false
	fs.Visit(func(f *flag.Flag) { bpfAsked = bpfAsked || f.Name == "seccomp-bpf" && *useBPF })
	if bpfAsked && (*pid != 0 || !*follow) {
		// As strace says of --seccomp-bpf: no filter for a running
		// process, and none without -f (children inherit it).
		fmt.Fprintln(stderr, "syscount: -seccomp-bpf is not used: it needs a launched command and -f")
	}
	var tr *syscallstat.Tracer
	if *pid != 0 {
		tr, err = syscallstat.Attach(*pid, opts)
	} else {
		// The fast path needs -f: the filter is inherited by children.
		opts.SeccompBPF = *useBPF && *follow
		cmd := exec.Command(fs.Arg(0), fs.Args()[1:]...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
		tr, err = syscallstat.Start(cmd, opts)
	}
	if err != nil {
		return 1, 0, err
	}
	go func() {
		if s, ok := (<-sigs).(syscall.Signal); ok {
			got.Store(int32(s))
			tr.Cancel(s)
		}
	}()
	sum, werr := tr.Wait(context.Background())
	if werr != nil && !errors.Is(werr, context.Canceled) {
		return 1, 0, werr
	}

	code := sum.Exit.ExitCode()
	if *asJSON {
		err = writeJSON(out, sum, key, code)
	} else {
		err = syscallstat.WriteSummary(out, sum.Syscalls, key)
	}
	if err != nil {
		return 1, 0, err
	}
	if profFile != nil {
		b, err := json.MarshalIndent(syscallstat.Profile(sum.Syscalls, nil), "", "  ")
		if err == nil {
			_, err = profFile.Write(append(b, '\n'))
		}
		if err == nil {
			err = profFile.Close()
		}
		if err != nil {
			return 1, 0, fmt.Errorf("-seccomp-profile: %w", err)
		}
	}
	switch sig := syscall.Signal(got.Load()); {
	case sig != 0 && *pid != 0:
		// Detached on request: strace exits 128+signal then (130 for
		// SIGINT), so a script sees that it was interrupted.
		return 128 + int(sig), 0, nil
	case sig != 0:
		return 0, sig, nil // as strace: die of the signal that ended the trace
	case sum.Exit.Signal != 0:
		return 0, sum.Exit.Signal, nil
	}
	return code, 0, nil
}

func writeJSON(w io.Writer, sum *syscallstat.Summary, key syscallstat.SortKey, code int) error {
	rows := syscallstat.Sorted(sum.Syscalls, key)
	js := jsonSummary{Syscalls: []jsonRow{}, ExitCode: code}
	for _, r := range rows {
		js.Syscalls = append(js.Syscalls, jsonRow{Name: r.Name, Number: r.Number, Calls: r.Calls,
			Errors: r.Errors, Seconds: r.Time.Seconds(), Compat: r.ABI == syscallstat.Compat})
	}
	t := sum.Syscalls.Total()
	js.Total = jsonTotal{Calls: t.Calls, Errors: t.Errors, Seconds: t.Time.Seconds()}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(js)
}
