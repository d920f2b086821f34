//go:build linux

package workload

import (
	"sync/atomic"
	"testing"
)

func TestRun(t *testing.T) {
	for _, mode := range []string{"single", "threads"} {
		var calls atomic.Int64
		if err := Run(mode, 400, func(n int) { calls.Add(int64(n)) }); err != nil || calls.Load() != 400 {
			t.Errorf("Run(%s, 400): %d rounds, %v; want 400", mode, calls.Load(), err)
		}
	}
	if err := Run("bogus", 1, func(int) {}); err == nil {
		t.Error("Run of an unknown mode: no error")
	}
}
