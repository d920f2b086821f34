package proctest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// update is the -update flag of every test binary that links this package.
var update = flag.Bool("update", false, "rewrite the golden files that proctest.Golden compares with")

// Golden compares got with the golden file name (a path relative to the
// package directory, such as "testdata/tree.golden") and reports the
// difference as a test error. When the test runs with -update, it writes
// got to the file instead (creating its directory) and passes.
//
// -update may rewrite only output the program under test owns. Output that
// comes from a reference tool (what pstree printed at capture time, say)
// must be compared without Golden, so that -update can never bless a
// regression.
func Golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(name, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		tb.Logf("proctest: updated %s", name)
		return
	}
	want, err := os.ReadFile(name)
	if err != nil {
		tb.Fatalf("proctest: %v (run the test with -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		tb.Errorf("proctest: output differs from %s (-want +got):\n%s", name, cmp.Diff(string(want), string(got)))
	}
}

// Updating reports whether the test binary runs with -update, for tests
// that write golden files in their own way.
func Updating() bool { return *update }
