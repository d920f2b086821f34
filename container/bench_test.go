package container

import (
	"context"
	"testing"

	"github.com/procscope/procscope/proc"
)

// BenchmarkScan audits the whole live machine, as `audit -host` does
// (bench/audit.sh runs it on a population of 2 000 processes in 300
// containers).
func BenchmarkScan(b *testing.B) {
	fsys := proc.Default()
	ref, err := HostReference(fsys)
	if err != nil {
		b.Skip(err)
	}
	n := 0
	for b.Loop() {
		snap, err := Scan(context.Background(), fsys, ref, nil)
		if err != nil {
			b.Fatal(err)
		}
		n = len(snap.Processes)
	}
	b.ReportMetric(float64(n), "processes")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(max(n, 1)), "µs/process")
}

// BenchmarkIdentifyPath is the pure identity of one kubelet systemd path.
func BenchmarkIdentifyPath(b *testing.B) {
	p := "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod11111111_2222_3333_4444_555555555555.slice/cri-containerd-" + anyID + ".scope"
	for b.Loop() {
		IdentifyPath(p)
	}
}
