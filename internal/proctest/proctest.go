// Package proctest holds helpers for tests that start processes and read
// them through package proc.
package proctest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/procscope/procscope/proc"
)

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
