package environ

import (
	"io"
	"os"
	"runtime"
	"testing"
)

// helperArg as os.Args[1] turns the test binary into a child that lives
// until its stdin closes. Dispatching on an argument rather than on an
// environment variable lets tests start it with an empty environment.
const helperArg = "environ-test-helper"

// scanArg as os.Args[1] makes the test binary run Scan on /proc, and
// Read of the pid in os.Args[2], and print what it saw (used to run them as
// an unprivileged user).
const scanArg = "environ-test-scan"

// zombieLeaderArg as os.Args[1] makes the child's main thread exit on its
// own (exit, not exit_group): the thread group leader becomes a zombie while
// the runtime's other threads live on until stdin closes.
const zombieLeaderArg = "environ-test-zombie-leader"

// init locks the main goroutine to the main thread (the group leader), so
// that zombieLeader's exit ends the leader; harmless for the tests.
func init() { runtime.LockOSThread() }

func TestMain(m *testing.M) {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case helperArg:
			io.Copy(io.Discard, os.Stdin)
			os.Exit(0)
		case scanArg:
			os.Exit(scanHelper(os.Args[2:]))
		case zombieLeaderArg:
			zombieLeader()
		}
	}
	os.Exit(m.Run())
}
