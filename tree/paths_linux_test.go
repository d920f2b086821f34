//go:build linux

package tree_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
	"github.com/procscope/procscope/tree"
)

var flatOpts = cmpopts.IgnoreUnexported(tree.Node{})

// TestFastPathMatchesFSPath checks that the raw directory scan and the
// fs.FS scan build the same snapshot: on the live subtree the test holds
// still, and on a capture of it, where nothing changes between scans.
func TestFastPathMatchesFSPath(t *testing.T) {
	root := startTree(t, testTree)
	// Live, the helpers' state letters change under us (a Go runtime thread
	// wakes), and rarely their thread count: ignore the state, and retry.
	ignoreState := cmpopts.IgnoreFields(tree.Node{}, "State")
	for _, o := range []tree.Options{{}, {Threads: true}, {ThreadNames: true, Threads: true}} {
		var diff string
		for try := 0; try < 5; try++ {
			fast, err := tree.ScanDir(context.Background(), "/proc", o)
			if err != nil {
				t.Fatal(err)
			}
			slow, err := tree.ScanFS(context.Background(), proc.New(os.DirFS("/proc")), o)
			if err != nil {
				t.Fatal(err)
			}
			if diff = cmp.Diff(tree.Flatten(slow, root), tree.Flatten(fast, root), flatOpts, ignoreState); diff == "" {
				break
			}
		}
		if diff != "" {
			t.Errorf("options %+v: live subtree differs (-fs +fast):\n%s", o, diff)
		}
	}

	dir := t.TempDir()
	var pids []int
	s, err := tree.Scan(context.Background(), proc.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range s.Node(root).Walk() {
		pids = append(pids, n.PID)
	}
	if _, err := proc.Capture(dir, proc.Default(), pids, nil); err != nil {
		t.Fatal(err)
	}
	// Make a tie of equal comms with different owners, to exercise the uid
	// lookups (root only: others may not give files away).
	for _, n := range s.Node(root).Walk() {
		if n.Comm == "leaf" && os.Geteuid() == 0 {
			if err := os.Chown(filepath.Join(dir, strconv.Itoa(n.PID)), 1000+n.PID%2, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, o := range []tree.Options{{}, {Threads: true}, {Threads: true, ThreadNames: true}} {
		fast, err := tree.ScanDir(context.Background(), dir, o)
		if err != nil {
			t.Fatal(err)
		}
		slow, err := tree.ScanFS(context.Background(), proctest.Capture(t, dir), o)
		if err != nil {
			t.Fatal(err)
		}
		if fast.Len() != len(pids) {
			t.Errorf("fast scan of the capture has %d processes, want %d", fast.Len(), len(pids))
		}
		if diff := cmp.Diff(tree.Flatten(slow, -1), tree.Flatten(fast, -1), flatOpts); diff != "" {
			t.Errorf("options %+v: capture differs (-fs +fast):\n%s", o, diff)
		}
	}
}

// countCtx is a context whose Err answers nil n times and then
// context.Canceled: each answer lets a scan read one more process.
type countCtx struct {
	context.Context
	left atomic.Int64
}

func (c *countCtx) Err() error {
	if c.left.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestScanLiveCancel: the raw fast path on the live /proc stops once the
// context is done: it reads at most one process per nil answer of Err, and
// returns ctx.Err() with a snapshot of those.
func TestScanLiveCancel(t *testing.T) {
	if !proc.Default().Live() {
		t.Skip("/proc is not a live proc mount: the fast path is not taken")
	}
	for _, o := range []*tree.Options{nil, {Threads: true}} {
		ctx := &countCtx{Context: context.Background()}
		ctx.left.Store(1 + 5) // Scan's own check, then five processes
		s, err := tree.Scan(ctx, proc.Default(), o)
		if err != context.Canceled {
			t.Fatalf("Scan(cancelled after 5 processes) error = %v; want context.Canceled", err)
		}
		if n := s.Len() + len(s.Failures()); n == 0 || n > 5 {
			t.Errorf("Scan(cancelled after 5 processes) read %d processes (%d failed)", n, len(s.Failures()))
		}
		ctx.left.Store(0)
		s, err = tree.Scan(ctx, proc.Default(), o)
		if err != context.Canceled || s == nil || s.Len() != 0 || len(s.Failures()) != 0 {
			t.Errorf("Scan(already cancelled) = %v, %v; want an empty snapshot and context.Canceled", s, err)
		}
	}
}
