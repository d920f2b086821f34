package testexe

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestPublic(t *testing.T) {
	var bin string
	t.Run("copy", func(t *testing.T) {
		bin = Public(t)
		self, _ := os.Executable()
		want, _ := os.ReadFile(self)
		got, err := os.ReadFile(bin)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("copy differs from %s: %v", self, err)
		}
		for _, p := range []string{filepath.Dir(bin), bin} {
			if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o755 {
				t.Errorf("%s: %v, %v; want mode 0755", p, fi.Mode(), err)
			}
		}
	})
	if _, err := os.Stat(filepath.Dir(bin)); !os.IsNotExist(err) {
		t.Errorf("directory left after the test: %v", err)
	}
}
