package secret

import (
	"strings"
	"testing"
)

// BenchmarkClassify classifies every entry of the labelled set once per op
// (Classify for NAME=VALUE entries, ClassifyArgs for command lines):
// "older" is the set as it was before issue 11, "issue11" its classes.
func BenchmarkClassify(b *testing.B) {
	set := readLabelled(b)
	old := len(genLabelled()) - len(genLabelledIssue11())
	for _, part := range []struct {
		name string
		set  []labelled
	}{{"older", set[:old]}, {"issue11", set[old:]}, {"all", set}} {
		b.Run(part.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, l := range part.set {
					l.classified()
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(part.set)), "ns/entry")
		})
	}
}

// BenchmarkClassifyLarge: 1 MiB values made to exercise the look inside
// values (many words, many '=', one huge base64 word).
func BenchmarkClassifyLarge(b *testing.B) {
	for _, tc := range []struct{ name, v string }{
		{"words", strings.Repeat("--opt=v a.b=c -u x ", 1<<20/19)},
		{"equals", strings.Repeat("=", 1<<20)},
		{"base64", strings.Repeat("QUJD", 1<<18)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.v)))
			for b.Loop() {
				Classify("EXTRA_ARGS", tc.v)
			}
		})
	}
}
