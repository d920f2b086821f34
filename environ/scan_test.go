//go:build linux

package environ

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/procscope/procscope/internal/countfs"
	"github.com/procscope/procscope/internal/fixtures"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/secret"
)

func TestScanLive(t *testing.T) {
	c := startChild(t, liveEnv, "--db-password=Zx8qP2mL5v", "postgres://app:Hu7xq2Lp@db/app")
	z := startChild(t, liveEnv)
	z.exitZombie(t)
	res, err := Scan(context.Background(), proc.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var mine []Finding
	for _, f := range res.Findings {
		if f.PID == c.p.Pid {
			mine = append(mine, f)
		}
		if f.PID == z.p.Pid && f.Source == SourceEnviron {
			t.Errorf("finding in the zombie's environment: %+v", f)
		}
	}
	want := []Finding{
		{PID: c.p.Pid, Source: SourceEnviron, Index: 1, Name: "DB_PASSWORD", Reason: secret.ReasonPassword},
		{PID: c.p.Pid, Source: SourceEnviron, Index: 2, Name: "GITHUB_TOKEN", Reason: "github-token"},
		{PID: c.p.Pid, Source: SourceCmdline, Index: 2, Name: "--db-password", Reason: secret.ReasonPassword},
		{PID: c.p.Pid, Source: SourceCmdline, Index: 3, Name: "argv[3]", Reason: secret.ReasonURLPassword},
	}
	for i := range mine {
		if mine[i].Comm == "" {
			t.Errorf("finding %d has no comm", i)
		}
		mine[i].Comm = ""
	}
	if !slices.Equal(mine, want) {
		t.Errorf("findings for the child = %+v\nwant %+v", mine, want)
	}
	var zombie bool
	for i, f := range res.Failures {
		if i > 0 && f.PID <= res.Failures[i-1].PID {
			t.Errorf("Failures not in pid order, one per process: %v", res.Failures)
		}
		if f.PID == z.p.Pid {
			zombie = errors.Is(f, fs.ErrNotExist) && errors.Is(f, proc.ErrGone)
		}
	}
	if !zombie {
		t.Errorf("Failures = %v; want the zombie child as gone (fs.ErrNotExist and proc.ErrGone)", res.Failures)
	}
	if len(res.Failures) > res.Processes {
		t.Errorf("%d failures for %d processes", len(res.Failures), res.Processes)
	}
}

// TestScanFixtureUnreadable: init is unreadable in the capture; it is
// named in Failures with its permission error, and the scan goes on.
func TestScanFixtureUnreadable(t *testing.T) {
	res, err := Scan(context.Background(), fixtures.FS(t, "init"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 1 || res.Failures[0].PID != 1 || !errors.Is(res.Failures[0], fs.ErrPermission) {
		t.Errorf("Scan(init fixture) = %+v; want pid 1 failed with a permission error", res)
	}
	if got := res.Failures[0].Error(); !strings.HasPrefix(got, "pid 1: ") || !strings.Contains(got, "1/environ") {
		t.Errorf("failure %q; want it to name the pid and the file", got)
	}
}

func tenProcesses() fstest.MapFS {
	m := fstest.MapFS{}
	for pid := 1; pid <= 10; pid++ {
		d := strconv.Itoa(pid) + "/"
		m[d+"environ"] = &fstest.MapFile{Data: []byte("HOME=/\x00DB_PASSWORD=Zx8qP2mL5v\x00")}
		m[d+"cmdline"] = &fstest.MapFile{Data: []byte("sleep\x00")}
		m[d+"comm"] = &fstest.MapFile{Data: []byte("sleep\n")}
	}
	return m
}

// TestScanCancel: a cancelled context stops the scan before the next
// process: Scan returns ctx.Err() with what it found so far, and opens
// no file of a later process.
func TestScanCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	c := countfs.New(tenProcesses())
	c.Hook = func(pid int) {
		if pid == 3 {
			cancel()
		}
	}
	res, err := Scan(ctx, proc.New(c), nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Scan(cancelled during pid 3) error = %v; want context.Canceled", err)
	}
	for pid, n := range c.Opens() {
		if pid > 3 {
			t.Errorf("pid %d read %d times after the cancel", pid, n)
		}
	}
	if res == nil || len(res.Findings) != 3*1 || res.Findings[2].PID != 3 {
		t.Errorf("Scan(cancelled) = %+v; want the findings of pids 1-3", res)
	}

	c = countfs.New(tenProcesses())
	res, err = Scan(ctx, proc.New(c), nil)
	if !errors.Is(err, context.Canceled) || len(c.Opens()) != 0 || c.Listed() != 0 || res == nil || len(res.Findings) != 0 {
		t.Errorf("Scan(already cancelled) = %+v, %v after %d listings, opens %v; want context.Canceled and nothing read", res, err, c.Listed(), c.Opens())
	}

	c = countfs.New(tenProcesses())
	res, err = Scan(context.Background(), proc.New(c), nil)
	if err != nil || len(c.Opens()) != 10 || len(res.Findings) != 10 {
		t.Errorf("Scan(not cancelled) = %+v, %v, opens %v; want every process read (the counter works)", res, err, c.Opens())
	}
}

// TestScanConcurrent: Scans of one FS may run in several goroutines at once
// (go test -race checks them) and find the same.
func TestScanConcurrent(t *testing.T) {
	f := proc.New(tenProcesses())
	want, err := Scan(context.Background(), f, nil)
	if err != nil || len(want.Findings) != 10 {
		t.Fatalf("Scan = %+v, %v; want 10 findings", want, err)
	}
	got := make([]*ScanResult, 4)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() { got[i], _ = Scan(context.Background(), f, nil) })
	}
	wg.Wait()
	for i, g := range got {
		if g == nil || !slices.Equal(g.Findings, want.Findings) || len(g.Failures) != 0 {
			t.Errorf("goroutine %d: %+v; want %+v", i, g, want)
		}
	}
}
