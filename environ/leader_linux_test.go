//go:build linux

package environ

import (
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/procscope/procscope/proc"
)

func zombieLeader() {
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	syscall.RawSyscall(syscall.SYS_EXIT, 0, 0, 0)
}

// TestReadZombieLeader: the leader exited but its threads run. Its own
// environ fails (ESRCH) or reads empty; Read goes through a live thread.
func TestReadZombieLeader(t *testing.T) {
	c := startChildMode(t, zombieLeaderArg, liveEnv)
	p := proc.Default().Process(c.p.Pid)
	for i := 0; ; i++ {
		st, err := p.Stat()
		if err == nil && st.State == proc.Zombie && st.NumThreads > 1 {
			break
		}
		if i > 1000 {
			t.Fatalf("leader did not become a zombie with live threads: %+v, %v", st, err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	env, err := Read(p)
	if err != nil {
		t.Fatalf("Read(zombie leader) error: %v", err)
	}
	if v, ok := env.Lookup("DB_PASSWORD"); !ok || v != "Hu7xq2Lp!" || len(env.Entries) != len(liveEnv) {
		t.Errorf("Read(zombie leader) = %d entries, DB_PASSWORD=%q; want the child's environment", len(env.Entries), v)
	}
}
