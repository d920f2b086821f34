package proctest

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/procscope/procscope/proc"
)

// helperPrefix starts os.Args[1] of a helper process: the name of the helper
// travels in the arguments, so that a test may give the child any
// environment, an empty one included.
const helperPrefix = "-proctest.helper="

var (
	helpersMu sync.Mutex
	helpers   = map[string]func(args []string) int{}
)

// RegisterHelper names a function that a re-executed test binary runs
// instead of its tests: [HelperCommand](tb, name, args...) starts the test
// binary, and [Main] or [RunHelper] in its TestMain calls main(args) and
// exits with the status it returns. Register helpers from an init function
// or a package-level variable, so that they exist before TestMain runs. It
// panics when name is registered twice.
func RegisterHelper(name string, main func(args []string) int) {
	helpersMu.Lock()
	defer helpersMu.Unlock()
	if _, ok := helpers[name]; ok {
		panic("proctest: helper " + name + " registered twice")
	}
	helpers[name] = main
}

// RunHelper runs the helper this process was started as by
// [HelperCommand], and exits with its status; in any other process it
// returns at once. Call it first in a TestMain that needs to do more than
// [Main] does.
func RunHelper() {
	if len(os.Args) < 2 || !strings.HasPrefix(os.Args[1], helperPrefix) {
		return
	}
	name := strings.TrimPrefix(os.Args[1], helperPrefix)
	helpersMu.Lock()
	main, ok := helpers[name]
	helpersMu.Unlock()
	if !ok {
		fmt.Fprintf(os.Stderr, "proctest: no helper %q registered\n", name)
		os.Exit(2)
	}
	os.Exit(main(os.Args[2:]))
}

// Main is a TestMain for packages with helper processes: it runs the helper
// when the process is one ([RunHelper]), and the tests otherwise.
//
//	func TestMain(m *testing.M) { proctest.Main(m) }
func Main(m *testing.M) {
	RunHelper()
	os.Exit(m.Run())
}

// HelperCommand returns a command that runs the helper name of the test
// binary with args: its arguments are the binary, a marker naming the
// helper, then args. Env is nil (the test's environment), and can be set to
// anything, since the marker is not in it.
func HelperCommand(tb testing.TB, name string, args ...string) *exec.Cmd {
	tb.Helper()
	helpersMu.Lock()
	_, ok := helpers[name]
	helpersMu.Unlock()
	if !ok {
		tb.Fatalf("proctest: no helper %q registered", name)
	}
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	return exec.Command(exe, HelperArgs(name, args...)...)
}

// HelperArgs returns the arguments that make the test binary run the
// helper name with args, for starting it by other means than
// [HelperCommand]: [os.StartProcess] with an exact set of files, or a copy
// of the binary run as another user. They follow the program name in argv.
func HelperArgs(name string, args ...string) []string {
	return append([]string{helperPrefix + name}, args...)
}

// Ready is the line a helper prints on its standard output when it is set
// up, which [StartHelper] waits for.
const Ready = "ready"

// Child is a helper process started by [StartHelper].
type Child struct {
	Cmd    *exec.Cmd
	PID    int
	Stdin  io.WriteCloser // closing it tells a helper written with [WaitStdin] to exit
	Stdout *bufio.Reader  // what the helper printed after its Ready line
}

// StartHelper starts cmd (usually from [HelperCommand]) with pipes on its
// standard input and output, and waits until it prints the line [Ready].
// When the test ends, the child's standard input is closed and the child is
// given a second to exit, then killed, and waited for.
func StartHelper(tb testing.TB, cmd *exec.Cmd) *Child {
	tb.Helper()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if cmd.Stderr == nil {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	tb.Cleanup(func() {
		stdin.Close()
		select {
		case <-done:
		case <-time.After(time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	c := &Child{Cmd: cmd, PID: cmd.Process.Pid, Stdin: stdin, Stdout: bufio.NewReader(stdout)}
	line, err := c.Stdout.ReadString('\n')
	if err != nil || strings.TrimSuffix(line, "\n") != Ready {
		tb.Fatalf("proctest: helper %v did not start: read %q, %v", cmd.Args, line, err)
	}
	return c
}

// WaitStdin blocks until the standard input of a helper is closed, which
// [StartHelper] does when the test ends.
func WaitStdin() { io.Copy(io.Discard, os.Stdin) }

// WaitStopped waits until every thread of p is in a stop (after SIGSTOP) and
// two reads of its status agree, so that nothing in /proc/PID changes any
// more. SigQ is left out of the comparison: it counts the signals queued for
// the whole user, not for the process.
func WaitStopped(tb testing.TB, p proc.Process) {
	tb.Helper()
	ignoreSigQ := cmpopts.IgnoreFields(proc.Status{}, "SigQ")
	var last proc.Status
	for range 1000 {
		time.Sleep(10 * time.Millisecond)
		tasks, err := p.Tasks()
		if err != nil {
			tb.Fatal(err)
		}
		all := true
		for _, task := range tasks {
			if st, err := task.Stat(); err != nil || st.State != proc.Stopped {
				all = false
			}
		}
		status, err := p.Status()
		if err != nil {
			tb.Fatal(err)
		}
		if all && cmp.Equal(status, last, ignoreSigQ) {
			return
		}
		last = status
	}
	tb.Fatalf("process %d did not come to a stop", p.PID)
}
