package proc_test

import (
	"os"
	"testing"

	"github.com/procscope/procscope/proc"
	"github.com/prometheus/procfs"
)

// BenchmarkReaders reads each of this process's files through procscope
// and, where prometheus/procfs has the same reader, through procfs, from
// the live /proc: go test -run '^$' -bench Readers -benchmem ./proc/
func BenchmarkReaders(b *testing.B) {
	p := proc.Default().Process(os.Getpid())
	fs, err := procfs.NewFS("/proc")
	if err != nil {
		b.Fatal(err)
	}
	pp, err := fs.Proc(os.Getpid())
	if err != nil {
		b.Fatal(err)
	}
	for _, bm := range []struct {
		name string
		read func() error
	}{
		{"Cgroup", func() error { _, err := p.Cgroup(); return err }},
		{"Cgroup/procfs", func() error { _, err := pp.Cgroups(); return err }},
		{"Namespaces", func() error { _, err := p.Namespaces(); return err }},
		{"Namespaces/procfs", func() error { _, err := pp.Namespaces(); return err }},
		{"MountInfo", func() error { _, err := p.MountInfo(); return err }},
		{"MountInfo/procfs", func() error { _, err := pp.MountInfo(); return err }},
		{"Attr", func() error { _, err := p.Attr(); return err }},
		{"Limits", func() error { _, err := p.Limits(); return err }},
		{"Limits/procfs", func() error { _, err := pp.Limits(); return err }},
		{"Statm", func() error { _, err := p.Statm(); return err }},
		{"SmapsRollup", func() error { _, err := p.SmapsRollup(); return err }},
		{"SmapsRollup/procfs", func() error { _, err := pp.ProcSMapsRollup(); return err }},
		{"Maps", func() error { _, err := p.Maps(); return err }},
		{"Maps/procfs", func() error { _, err := pp.ProcMaps(); return err }},
		{"IO", func() error { _, err := p.IO(); return err }},
		{"IO/procfs", func() error { _, err := pp.IO(); return err }},
		{"OOMScoreAdj", func() error { _, err := p.OOMScoreAdj(); return err }},
		{"LoginUID", func() error { _, err := p.LoginUID(); return err }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := bm.read(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseReaders parses the bytes of this process's files, without
// the read: go test -run '^$' -bench ParseReaders -benchmem ./proc/
func BenchmarkParseReaders(b *testing.B) {
	for _, bm := range []struct {
		file  string
		parse func([]byte) error
	}{
		{"cgroup", func(d []byte) error { _, err := proc.ParseCgroup(d); return err }},
		{"mountinfo", func(d []byte) error { _, err := proc.ParseMountInfo(d); return err }},
		{"limits", func(d []byte) error { _, err := proc.ParseLimits(d); return err }},
		{"statm", func(d []byte) error { _, err := proc.ParseStatm(d); return err }},
		{"smaps_rollup", func(d []byte) error { _, err := proc.ParseSmapsRollup(d); return err }},
		{"maps", func(d []byte) error { _, err := proc.ParseMaps(d); return err }},
		{"io", func(d []byte) error { _, err := proc.ParseIO(d); return err }},
	} {
		data, err := os.ReadFile("/proc/self/" + bm.file)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bm.file, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if err := bm.parse(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
