//go:build linux

package procscope_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/procscope/procscope/environ"
	"github.com/procscope/procscope/fd"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
	"github.com/procscope/procscope/tree"
)

// The test binary re-executes itself in a few roles (see
// proctest.RegisterHelper): a sleeper that lives until its stdin closes, a
// churner (churn) and a process that exits at once.
func init() {
	proctest.RegisterHelper("sleeper", func([]string) int {
		os.Stdin.Read(make([]byte, 1)) // until the test closes our stdin
		return 0
	})
	proctest.RegisterHelper("churner", func([]string) int { churn(); return 0 })
	proctest.RegisterHelper("exit", func([]string) int { return 0 })
}

func TestMain(m *testing.M) {
	proctest.RunHelper()
	code := m.Run()
	removeExamples()
	os.Exit(code)
}

// churn starts and reaps short-lived processes and threads as fast as it
// can until its stdin closes.
func churn() {
	var stop atomic.Bool
	go func() { os.Stdin.Read(make([]byte, 1)); stop.Store(true) }()
	exe, _ := os.Executable()
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { // processes
			defer wg.Done()
			for !stop.Load() {
				c := exec.Command(exe, proctest.HelperArgs("exit")...)
				c.Env = []string{}
				c.Run()
			}
		}()
	}
	wg.Add(1)
	go func() { // threads: a goroutine that exits locked takes its thread along
		defer wg.Done()
		for !stop.Load() {
			done := make(chan struct{})
			go func() { runtime.LockOSThread(); close(done) }()
			<-done
		}
	}()
	wg.Wait()
}

// startRole starts the test binary in a role; closing stdin ends it.
func startRole(t *testing.T, role string) *exec.Cmd {
	t.Helper()
	c := proctest.HelperCommand(t, role)
	stdin, err := c.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); c.Wait() })
	return c
}

// allowed reports whether err is one a scan of a live machine may meet:
// the process went away, or it may not be read.
func allowed(err error) bool {
	return err == nil || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission)
}

// TestChurn scans the whole machine again and again while processes and
// threads come and go as fast as a helper can make them.
func TestChurn(t *testing.T) {
	if testing.Short() {
		t.Skip("churn test skipped in -short mode")
	}
	var stable []int
	for range 5 {
		stable = append(stable, startRole(t, "sleeper").Process.Pid)
	}
	for range 2 {
		startRole(t, "churner")
	}
	time.Sleep(100 * time.Millisecond)
	f := proc.Default()
	deadline := time.Now().Add(3 * time.Second)
	scans := 0
	for scans < 3 || time.Now().Before(deadline) {
		scans++
		snap, err := tree.Scan(context.Background(), f, &tree.Options{Threads: true})
		if err != nil {
			t.Fatalf("scan %d: tree.Scan: %v", scans, err)
		}
		for _, f := range snap.Failures() {
			if !allowed(f) {
				t.Errorf("scan %d: tree.Scan per-process failure %v", scans, f)
			}
		}
		seen := map[int]bool{}
		for n := range snap.All() {
			if seen[n.PID] {
				t.Errorf("scan %d: pid %d listed twice", scans, n.PID)
			}
			seen[n.PID] = true
			p := f.Process(n.PID)
			_, err1 := p.Exe()
			_, err2 := p.Status()
			_, err3 := fd.List(p, nil)
			_, err4 := environ.Read(p)
			for i, err := range []error{err1, err2, err3, err4} {
				if !allowed(err) {
					t.Errorf("scan %d: pid %d reader %d: %v", scans, n.PID, i, err)
				}
			}
		}
		for _, pid := range stable {
			if !seen[pid] {
				t.Errorf("scan %d: pid %d, alive through the scan, is missing", scans, pid)
			}
		}
		pids, err := f.PIDs()
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(pids); i++ {
			if pids[i] <= pids[i-1] {
				t.Fatalf("scan %d: PIDs() not strictly increasing at %d", scans, i)
			}
		}
		if t.Failed() {
			break
		}
	}
	t.Logf("%d whole-machine scans under churn", scans)
}
