//go:build linux

package tree_test

import (
	"os"
	"path/filepath"
	"strconv"
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
			fast, err := tree.ScanDir("/proc", o)
			if err != nil {
				t.Fatal(err)
			}
			slow, err := tree.ScanFS(proc.New(os.DirFS("/proc")), o)
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
	s, err := tree.Scan(proc.Default(), nil)
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
		fast, err := tree.ScanDir(dir, o)
		if err != nil {
			t.Fatal(err)
		}
		slow, err := tree.ScanFS(proctest.Capture(t, dir), o)
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
