//go:build linux

package tree_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os/exec"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/tree"
)

// TestScanUnderChurn scans the machine again and again while processes and
// threads are created and reaped as fast as possible: no error, no process
// twice, every link consistent, and the held-still subtree always whole.
func TestScanUnderChurn(t *testing.T) {
	truePath, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true(1) to spawn")
	}
	root := startTree(t, testTree)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	// churn runs f over and over until the test ends.
	churn := func(f func()) {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					f()
				}
			}
		})
	}
	spawn := func() { exec.Command(truePath).Run() }
	churn(spawn)
	churn(spawn)
	churn(func() {
		done := make(chan struct{})
		go func() {
			runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
			close(done)
		}()
		<-done
	})
	defer func() { close(stop); wg.Wait() }()

	deadline := time.Now().Add(1500 * time.Millisecond)
	for scans := 0; scans < 5 || time.Now().Before(deadline); scans++ {
		s, err := tree.Scan(context.Background(), proc.Default(), &tree.Options{Threads: true})
		if err != nil {
			t.Fatal(err)
		}
		// Processes that exit are absent and named as gone; the only
		// other failures allowed are permission errors (other users'
		// processes, when not root).
		for _, f := range s.Failures() {
			if !errors.Is(f, fs.ErrNotExist) && !errors.Is(f, fs.ErrPermission) {
				t.Fatalf("scan %d: failure %v", scans, f)
			}
			if n := s.Node(f.PID); n != nil && errors.Is(f, fs.ErrNotExist) && n.NumThreads <= 1 {
				t.Errorf("scan %d: pid %d both in the snapshot and gone, with no threads to list", scans, f.PID)
			}
		}
		prev, linked := 0, 0
		for n := range s.All() {
			if n.PID <= prev {
				t.Fatalf("scan %d: pid %d after %d", scans, n.PID, prev)
			}
			prev = n.PID
			if p := n.Parent(); p != nil {
				linked++
				if p.PID != n.PPID && !n.Orphan {
					t.Errorf("scan %d: %d has parent %d but PPID %d", scans, n.PID, p.PID, n.PPID)
				}
			}
			linked -= len(n.Children())
		}
		if linked != 0 {
			t.Fatalf("scan %d: parent and children links disagree by %d", scans, linked)
		}
		n := s.Node(root)
		if n == nil {
			t.Fatalf("scan %d: helper tree root %d missing", scans, root)
		}
		count := 0
		for range n.Descendants() {
			count++
		}
		if count != 12 {
			t.Fatalf("scan %d: helper tree has %d descendants, want 12", scans, count)
		}
		if err := s.Render(io.Discard, 1, nil); err != nil {
			t.Fatal(err)
		}
	}
}
