//go:build linux

package tree_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/procscope/procscope/proctest"
)

// spec describes a helper process: the comm it gives itself, how many extra
// threads it starts, and its children.
type spec struct {
	Comm    string  `json:"comm"`
	Threads int     `json:"threads,omitempty"`
	Kids    []*spec `json:"kids,omitempty"`
	// Exec lists programs started as further children with the argument
	// "600" (the benchmark's single-threaded processes: symlinks to sleep,
	// named as the comm they get).
	Exec []string `json:"exec,omitempty"`
}

const helperEnv = "TREE_TEST_HELPER"

// helperName is the helper (see proctest.RegisterHelper) that runs the
// spec in $TREE_TEST_HELPER.
const helperName = "tree"

func init() {
	proctest.RegisterHelper(helperName, func([]string) int { runHelper(os.Getenv(helperEnv)); return 0 })
}

func TestMain(m *testing.M) {
	proctest.RunHelper()
	code := m.Run()
	stopPopulation()
	os.Exit(code)
}

// runHelper is a re-executed test binary: it names itself, starts its
// threads and children, says "ready" on stdout, and exits (stopping its
// children) when its stdin closes.
func runHelper(s string) {
	var sp spec
	if err := json.Unmarshal([]byte(s), &sp); err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(2)
	}
	if err := os.WriteFile("/proc/self/comm", []byte(sp.Comm), 0); err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(2)
	}
	for range sp.Threads {
		started := make(chan struct{})
		go func() {
			runtime.LockOSThread()
			close(started)
			select {}
		}()
		<-started
	}
	var kids []*helper
	for _, k := range sp.Kids {
		h, err := startHelper(k, os.Environ())
		if err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(2)
		}
		kids = append(kids, h)
	}
	var execs []*exec.Cmd
	for _, path := range sp.Exec {
		c := exec.Command(path, "600")
		c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := c.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(2)
		}
		execs = append(execs, c)
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	for _, c := range execs {
		c.Process.Kill()
		c.Wait()
	}
	for _, h := range kids {
		h.stop()
	}
}

// helper is a running helper process.
type helper struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

func startHelper(sp *spec, env []string) (*helper, error) {
	b, _ := json.Marshal(sp)
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, proctest.HelperArgs(helperName)...)
	cmd.Env = append(env[:len(env):len(env)], helperEnv+"="+string(b))
	cmd.Stderr = os.Stderr
	// No Pdeathsig: it fires when the forking thread exits, and the churn
	// test makes the test's threads exit. A helper exits when its stdin
	// closes, which also happens when the test process dies.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	h := &helper{cmd: cmd, stdin: stdin}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "ready\n" {
		h.stop()
		return nil, fmt.Errorf("helper %q: no ready line (%q, %v)", sp.Comm, line, err)
	}
	return h, nil
}

func (h *helper) stop() {
	h.stdin.Close()
	done := make(chan struct{})
	go func() { h.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		h.cmd.Process.Kill()
		<-done
	}
}

// startTree starts the helper tree sp and stops it when the test ends.
func startTree(tb testing.TB, sp *spec) int {
	tb.Helper()
	h, err := startHelper(sp, os.Environ())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(h.stop)
	return h.cmd.Process.Pid
}
