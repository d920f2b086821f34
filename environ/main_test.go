package environ

import (
	"io"
	"os"
	"runtime"
	"testing"

	"github.com/procscope/procscope/proctest"
)

// The helpers of the environ tests (see proctest.RegisterHelper); the
// helper's name travels in the arguments, so tests can start it with an
// empty environment.
const (
	// helperArg lives until its stdin closes.
	helperArg = "environ-test-helper"
	// scanArg runs Scan on /proc, and Read of the pid in its first
	// argument, and prints what it saw (used to run them as an
	// unprivileged user).
	scanArg = "environ-test-scan"
	// zombieLeaderArg makes the child's main thread exit on its own
	// (exit, not exit_group): the thread group leader becomes a zombie
	// while the runtime's other threads live on until stdin closes.
	zombieLeaderArg = "environ-test-zombie-leader"
)

// init locks the main goroutine to the main thread (the group leader), so
// that zombieLeader's exit ends the leader; harmless for the tests.
func init() {
	runtime.LockOSThread()
	proctest.RegisterHelper(helperArg, func([]string) int { io.Copy(io.Discard, os.Stdin); return 0 })
	proctest.RegisterHelper(scanArg, scanHelper)
	proctest.RegisterHelper(zombieLeaderArg, func([]string) int { zombieLeader(); return 0 })
}

func TestMain(m *testing.M) { proctest.Main(m) }
