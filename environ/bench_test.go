//go:build linux

package environ

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
	"github.com/prometheus/procfs"
)

// tree1MiB writes the 1 048 595-byte, 1 025-entry environment as
// DIR/1/environ and returns DIR. There is no stat: Read needs none for a
// NUL-terminated block.
func tree1MiB(tb testing.TB) string {
	dir := tb.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "1"), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "1", "environ"), make1MiB(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// TestProcfsDropsPastOneMiB shows why Read does not use procfs: its Environ
// caps the read at 1 MiB and silently returns 1 024 of 1 025 entries.
func TestProcfsDropsPastOneMiB(t *testing.T) {
	dir := tree1MiB(t)
	if n := len(make1MiB()); n != 1048595 {
		t.Fatalf("test environment is %d bytes", n)
	}
	pfs, err := procfs.NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := pfs.Proc(1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := theirs.Environ()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("procfs Environ: %d entries, last %.20q..., err %v", len(got), got[len(got)-1], err)
	if len(got) != 1024 {
		t.Errorf("procfs v0.23.0 Environ returned %d entries; expected its 1 MiB cap to drop the last one (did procfs change? then update this test and doc)", len(got))
	}
	env, err := Read(proctest.Capture(t, dir).Process(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(env.Entries) != 1025 || env.Unterminated {
		t.Fatalf("Read: %d entries, unterminated %v; want 1025, false", len(env.Entries), env.Unterminated)
	}
	if len(env.Bytes()) != 1048595 {
		t.Errorf("Read lost bytes: %d", len(env.Bytes()))
	}
}

func BenchmarkParse1MiB(b *testing.B) {
	data := make1MiB()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		env := Parse(data)
		if len(env.Entries) != 1025 {
			b.Fatal(len(env.Entries))
		}
	}
}

// BenchmarkProcfsSplit1MiB is procfs's parsing step alone (string + Split).
func BenchmarkProcfsSplit1MiB(b *testing.B) {
	data := make1MiB()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s := strings.Split(string(data), "\x00")
		if s[len(s)-1] == "" {
			s = s[:len(s)-1]
		}
		_ = s
	}
}

// BenchmarkRead1MiB reads and parses DIR/1/environ through proc.
func BenchmarkRead1MiB(b *testing.B) {
	p := proctest.Capture(b, tree1MiB(b)).Process(1)
	b.SetBytes(1048595)
	b.ReportAllocs()
	for b.Loop() {
		env, err := Read(p)
		if err != nil || len(env.Entries) != 1025 {
			b.Fatal(len(env.Entries), err)
		}
	}
}

// BenchmarkProcfsEnviron1MiB is procfs's Proc.Environ on the same file
// (which it truncates, returning 1 024 entries).
func BenchmarkProcfsEnviron1MiB(b *testing.B) {
	pfs, err := procfs.NewFS(tree1MiB(b))
	if err != nil {
		b.Fatal(err)
	}
	p, err := pfs.Proc(1)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(1048595)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Environ(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanLive scans the whole live machine.
func BenchmarkScanLive(b *testing.B) {
	f := proc.Default()
	b.ReportAllocs()
	var res *ScanResult
	for b.Loop() {
		var err error
		if res, err = Scan(context.Background(), f, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(res.Processes), "procs")
}
