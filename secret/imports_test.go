package secret

import (
	"go/build"
	"strings"
	"testing"
)

// TestNoProcessImports keeps the package free of process reading: a tool
// author classifies strings without pulling in environ or proc.
func TestNoProcessImports(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if strings.HasPrefix(imp, "github.com/procscope/procscope/") {
			t.Errorf("package secret imports %s", imp)
		}
	}
}
