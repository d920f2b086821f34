//go:build linux && (amd64 || arm64)

package syscallstat_test

import (
	"runtime"
	"testing"

	"github.com/procscope/procscope/syscallstat"
)

// TestHotPathAllocationFree traces 1000 and 20000 getppid calls: the
// tracer's allocations must not grow with the number of calls.
func TestHotPathAllocationFree(t *testing.T) {
	mallocs := func(n int, opts *syscallstat.Options) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		trace(t, "getppid", n, opts)
		runtime.ReadMemStats(&after)
		return after.Mallocs - before.Mallocs
	}
	for _, opts := range []*syscallstat.Options{
		{Follow: true},
		{Follow: true, WallClock: true},
		{Follow: true, SeccompBPF: true},
		{Follow: true, SeccompBPF: true, CountsOnly: true},
	} {
		if raceEnabled && opts.WallClock {
			continue
		}
		mallocs(100, opts) // warm up
		small, large := mallocs(1000, opts), mallocs(20000, opts)
		// 19000 more calls, 38000 more stops: allow noise from the
		// test's own goroutines, far below one allocation per stop.
		if large > small+200 {
			t.Errorf("%+v: %d allocations for 1000 calls, %d for 20000", *opts, small, large)
		}
	}
}

// BenchmarkTraceGetppid reports the cost of tracing per traced call.
func BenchmarkTraceGetppid(b *testing.B) {
	for _, bc := range []struct {
		name string
		opts *syscallstat.Options
	}{
		{"ptrace-syscall", &syscallstat.Options{Follow: true}},
		{"seccomp-bpf", &syscallstat.Options{Follow: true, SeccompBPF: true}},
		{"seccomp-bpf-counts", &syscallstat.Options{Follow: true, SeccompBPF: true, CountsOnly: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			const n = 20000
			for b.Loop() {
				cmd := workloadCmd(b, "getppid", n)
				tr, err := syscallstat.Start(cmd, bc.opts)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tr.Wait(b.Context()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/call")
		})
	}
}

func BenchmarkWriteSummary(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		syscallstat.WriteSummary(discard{}, sampleTable, syscallstat.SortTime)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
