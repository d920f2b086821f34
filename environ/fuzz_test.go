package environ

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "A=1\x00", "A=1\x00B", "=x\x00=\x00\x00", "N\xff=\xfe\x00", "A=b=c\x00A=d\x00"} {
		f.Add([]byte(s))
	}
	// Seeds from the labelled set, as one block (never the live environment,
	// whose secrets would end up in testdata/fuzz if a crasher were saved).
	if set, err := os.ReadFile("../secret/testdata/labelled.jsonl"); err == nil {
		f.Add(bytes.ReplaceAll(set, []byte("\n"), []byte{0}))
	}
	// And the environ files of the fixture trees, captured with small fixed
	// environments.
	paths, _ := filepath.Glob("../internal/fixtures/testdata/*/*/environ")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	if len(paths) == 0 {
		f.Fatal("no fixture environ files to seed from")
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		env := Parse(b)
		if got := env.Bytes(); !bytes.Equal(got, b) {
			t.Fatalf("Parse(%q).Bytes() = %q", b, got)
		}
		if env.Len() != len(b) {
			t.Fatalf("Len() = %d, want %d", env.Len(), len(b))
		}
	})
}
