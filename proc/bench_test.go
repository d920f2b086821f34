package proc_test

import (
	"os"
	"testing"

	"github.com/procscope/procscope/internal/fixtures"
	"github.com/procscope/procscope/proc"
	"github.com/prometheus/procfs"
)

// The benchmarks read this test process's own stat and status from the
// live /proc, through procscope and through procfs, and parse bytes alone.

func BenchmarkStat(b *testing.B) {
	p := proc.Default().Process(os.Getpid())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Stat(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStatProcfs(b *testing.B) {
	fs, err := procfs.NewFS("/proc")
	if err != nil {
		b.Fatal(err)
	}
	p, err := fs.Proc(os.Getpid())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Stat(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseStat(b *testing.B) {
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := proc.ParseStat(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStatus(b *testing.B) {
	p := proc.Default().Process(os.Getpid())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Status(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStatusProcfs(b *testing.B) {
	fs, err := procfs.NewFS("/proc")
	if err != nil {
		b.Fatal(err)
	}
	p, err := fs.Proc(os.Getpid())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.NewStatus(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseStatus(b *testing.B) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := proc.ParseStatus(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCmdline(b *testing.B) {
	p := proc.Default().Process(os.Getpid())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Cmdline(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkComm(b *testing.B) {
	p := proc.Default().Process(os.Getpid())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Comm(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadCapture reads what inspect shows of every process of a
// fixture capture: stat, status, cmdline, the exe link and every fd link.
func BenchmarkReadCapture(b *testing.B) {
	f := fixtures.FS(b, "shell")
	b.ReportAllocs()
	for b.Loop() {
		for p, err := range f.All() {
			if err != nil {
				b.Fatal(err)
			}
			if _, err := p.Stat(); err != nil {
				b.Fatal(err)
			}
			if _, err := p.Status(); err != nil {
				b.Fatal(err)
			}
			if _, err := p.Cmdline(); err != nil {
				b.Fatal(err)
			}
			if _, err := p.Exe(); err != nil {
				b.Fatal(err)
			}
			ents, err := f.ReadDir(p.Path("fd"))
			if err != nil {
				b.Fatal(err)
			}
			for _, e := range ents {
				if _, err := f.ReadLink(p.Path("fd", e.Name())); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}
