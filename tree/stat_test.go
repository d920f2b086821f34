package tree

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/proc"
)

// statSeeds returns stat files from the fixture trees plus odd cases.
func statSeeds(tb testing.TB) [][]byte {
	_, file, _, _ := runtime.Caller(0)
	paths, _ := filepath.Glob(filepath.Join(filepath.Dir(file), "..", "internal", "fixtures", "testdata", "*", "*", "stat"))
	var seeds [][]byte
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			seeds = append(seeds, b)
		}
	}
	if len(seeds) == 0 {
		tb.Fatal("no fixture stat files found")
	}
	return append(seeds,
		[]byte(statLine(5, "a) (b", 1, pfKthread, 4, 99)),
		[]byte(statLine(5, "", 1, 0, 1, 99)),
		[]byte("5 (x) S 1"),
		[]byte("5 x) S"),
		[]byte("(x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20"),
		[]byte("18446744073709551616 (x) S"),
	)
}

func TestParseStatMatchesProc(t *testing.T) {
	for _, b := range statSeeds(t) {
		got, err := parseStat(b)
		want, werr := proc.ParseStat(b)
		if (err != nil) != (werr != nil) {
			// proc.ParseStat checks the fields after starttime too.
			if err == nil && werr != nil && strings.Count(string(b), " ") < 51 {
				continue
			}
			t.Errorf("parseStat(%q) error %v, proc.ParseStat error %v", b, err, werr)
			continue
		}
		if err != nil {
			if !errors.Is(err, proc.ErrParse) {
				t.Errorf("parseStat(%q) error %v does not match proc.ErrParse", b, err)
			}
			continue
		}
		g := []any{got.pid, string(got.comm), got.state, got.ppid, got.flags, got.numThreads, got.startTime}
		w := []any{want.PID, want.Comm, byte(want.State), want.PPID, want.Flags, want.NumThreads, want.StartTime}
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("parseStat(%q) (-proc +ours):\n%s", b, diff)
		}
	}
}

func TestParseStatAllocs(t *testing.T) {
	b := []byte(statLine(5, "a) (b", 1, pfKthread, 4, 99))
	if n := testing.AllocsPerRun(100, func() { parseStat(b) }); n != 0 {
		t.Errorf("parseStat allocates %v times, want 0", n)
	}
}

func FuzzParseStat(f *testing.F) {
	for _, s := range statSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseStat(b)
		if err != nil {
			if s.pid != 0 || s.comm != nil || s.ppid != 0 || s.startTime != 0 || s.numThreads != 0 {
				t.Errorf("parseStat(%q) = %+v with error %v, want a zero result", b, s, err)
			}
			return
		}
		if s.pid <= 0 || s.ppid < 0 || s.numThreads < 0 {
			t.Errorf("parseStat(%q) = %+v: negative or zero ids", b, s)
		}
	})
}

// BenchmarkParseStat parses this process's stat as Scan does, without the
// read: go test -run '^$' -bench ParseStat -benchmem ./tree/
func BenchmarkParseStat(b *testing.B) {
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		b.Skip(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseStat(data); err != nil {
			b.Fatal(err)
		}
	}
}
