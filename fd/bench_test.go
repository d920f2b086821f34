//go:build linux

package fd

import (
	"os"
	"strconv"
	"testing"

	"github.com/procscope/procscope/proc"
)

// benchFDs is the size of the process the benchmarks list (about 20 000 fds): files, pipes and
// TCP sockets over loopback in equal parts (issue 3's speed goal).
const benchFDs = 19950 // RLIMIT_NOFILE here is 20000 and cannot be raised

var benchPid int

func benchProcess(b *testing.B) proc.Process {
	if benchPid == 0 {
		n := benchFDs
		if s := os.Getenv("FD_BENCH_N"); s != "" {
			n, _ = strconv.Atoi(s)
		}
		// The helper outlives this benchmark: it is shared by all of them
		// and killed when the test binary's cleanup runs.
		benchPid, _ = startHelper(benchTB{b}, "many", []string{"FD_TEST_N=" + strconv.Itoa(n)}, nil)
	}
	return proc.Default().Process(benchPid)
}

// benchTB routes Cleanup to the end of the whole run: TestMain does not
// know about benchmarks, so register with the first benchmark's parent.
type benchTB struct{ *testing.B }

func (b benchTB) Cleanup(f func()) { benchCleanups = append(benchCleanups, f) }

var benchCleanups []func()

func BenchmarkList(b *testing.B) {
	p := benchProcess(b)
	defer func() {
		for _, f := range benchCleanups {
			f()
		}
		benchCleanups, benchPid = nil, 0
	}()
	for _, bc := range []struct {
		name string
		opts *Options
	}{
		{"default", nil},
		{"nosockets", &Options{NoSockets: true}},
		{"nomode", &Options{NoMode: true}},
		{"info", &Options{Info: true}},
		{"json", &Options{Info: true, Stat: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				fds, err := List(p, bc.opts)
				if err != nil || len(fds) < benchFDs {
					b.Fatalf("List: %d fds, %v", len(fds), err)
				}
			}
		})
	}
	b.Run("fsFS", func(b *testing.B) {
		q := proc.New(os.DirFS("/proc")).Process(p.PID)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := List(q, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("count", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if n, err := Count(p); err != nil || n < benchFDs {
				b.Fatalf("Count = %d, %v", n, err)
			}
		}
	})
}
