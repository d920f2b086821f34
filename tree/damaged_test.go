package tree_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/procscope/procscope/internal/fixtures"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
	"github.com/procscope/procscope/tree"
)

// TestScanDamagedCapture: a process whose stat a capture holds empty or
// lacks is reported in Errors, by its file, not dropped without a word.
func TestScanDamagedCapture(t *testing.T) {
	dir := proctest.CopyCapture(t, fixtures.Dir(t, "tree-basic"))
	if err := os.WriteFile(filepath.Join(dir, "27672", "stat"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "27676", "stat")); err != nil {
		t.Fatal(err)
	}
	s, err := tree.Scan(context.Background(), proctest.Capture(t, dir), &tree.Options{Threads: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"27672/stat", "27676/stat"} {
		found := false
		for _, f := range s.Failures() {
			if strings.Contains(f.Error(), name) && errors.Is(f, proc.ErrDamaged) && strings.HasPrefix(name, strconv.Itoa(f.PID)+"/") {
				found = true
			}
		}
		if !found {
			t.Errorf("Scan of a capture with %s damaged: failures %v; want it named as damaged", name, s.Failures())
		}
	}
	if s.Node(27668) == nil || s.Node(27679) == nil {
		t.Error("the undamaged processes are missing from the scan")
	}
}
