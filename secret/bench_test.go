package secret

import "testing"

// BenchmarkClassify classifies every entry of the labelled set once per op.
func BenchmarkClassify(b *testing.B) {
	set := readLabelled(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range set {
			Classify(l.Name, l.Value)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(set)), "ns/entry")
}
