//go:build linux

package tree_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/tree"
)

// The benchmark population: 200 multi-threaded helpers (re-executed test
// binaries, each with its Go runtime threads plus 2 of its own), each the
// parent of 9 single-threaded sleeps named through symlinks, so 2 000
// processes more than the machine had. It is started once and stopped by
// TestMain.
var (
	popOnce  sync.Once
	popRoots []*helper
	popDir   string
	popErr   error
)

const (
	popHelpers = 200
	popSleeps  = 9
)

func population(b *testing.B) {
	popOnce.Do(func() {
		sleep, err := exec.LookPath("sleep")
		if err != nil {
			popErr = err
			return
		}
		popDir, popErr = os.MkdirTemp("", "tree-bench-")
		if popErr != nil {
			return
		}
		var names []string
		for i := range popSleeps {
			name := filepath.Join(popDir, fmt.Sprintf("worker-%d", i))
			if popErr = os.Symlink(sleep, name); popErr != nil {
				return
			}
			names = append(names, name)
		}
		for i := range popHelpers {
			h, err := startHelper(&spec{Comm: fmt.Sprintf("svc-%03d", i), Threads: 2, Exec: names}, os.Environ())
			if err != nil {
				popErr = err
				return
			}
			popRoots = append(popRoots, h)
		}
	})
	if popErr != nil {
		b.Fatal(popErr)
	}
}

func stopPopulation() {
	var wg sync.WaitGroup
	for _, h := range popRoots {
		wg.Go(h.stop)
	}
	wg.Wait()
	popRoots = nil
	if popDir != "" {
		os.RemoveAll(popDir)
	}
}

func benchScan(b *testing.B, fsys *proc.FS, o *tree.Options) {
	population(b)
	var procs, threads int
	for b.Loop() {
		s, err := tree.Scan(context.Background(), fsys, o)
		if err != nil {
			b.Fatal(err)
		}
		procs, threads = s.Len(), s.NumThreads()
	}
	b.ReportMetric(float64(procs), "procs")
	b.ReportMetric(float64(threads), "threads")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(procs), "ns/proc")
}

// BenchmarkScan is the fast path on the live /proc; -benchmem's allocs/op
// divided by the procs metric gives allocations per process.
func BenchmarkScan(b *testing.B) {
	b.Run("threads", func(b *testing.B) { benchScan(b, proc.Default(), &tree.Options{Threads: true}) })
	b.Run("stat-only", func(b *testing.B) { benchScan(b, proc.Default(), nil) })
	b.Run("thread-names", func(b *testing.B) { benchScan(b, proc.Default(), &tree.Options{ThreadNames: true}) })
	b.Run("fs.FS", func(b *testing.B) { benchScan(b, proc.New(os.DirFS("/proc")), &tree.Options{Threads: true}) })
}

func BenchmarkRender(b *testing.B) {
	population(b)
	s, err := tree.Scan(context.Background(), proc.Default(), &tree.Options{Threads: true})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := s.Render(io.Discard, 1, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(s.Len()), "ns/proc")
}
