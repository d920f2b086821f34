package fd

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
)

// TestHoldersDamagedCapture: a capture whose fdinfo folder is missing
// reports the process in Failures, naming the file, instead of skipping it.
func TestHoldersDamagedCapture(t *testing.T) {
	dir := proctest.CopyCapture(t, fixtures.Dir(t, "fd-kinds"))
	fsys := proctest.Capture(t, dir)
	pids, err := fsys.PIDs()
	if err != nil {
		t.Fatal(err)
	}
	c, err := fsys.Capture()
	if err != nil {
		t.Fatal(err)
	}
	pid := strconv.Itoa(pids[0])
	l := c.Links[pid+"/fd/5"]
	ref := FileRef{Dev: l.Dev, Ino: l.Ino}
	res, err := HoldersOf(context.Background(), fsys, ref)
	if err != nil || len(res.Holders) != 1 || len(res.Failures) != 0 {
		t.Fatalf("intact capture: holders %+v, failures %v, %v; want one holder", res.Holders, res.Failures, err)
	}

	if err := os.RemoveAll(filepath.Join(dir, pid, "fdinfo")); err != nil {
		t.Fatal(err)
	}
	res, err = HoldersOf(context.Background(), proctest.Capture(t, dir), ref)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 1 || strconv.Itoa(res.Failures[0].PID) != pid ||
		!errors.Is(res.Failures[0], proc.ErrDamaged) || !strings.Contains(res.Failures[0].Error(), pid+"/fdinfo/") {
		t.Errorf("capture without %s/fdinfo: failures %v; want the process reported as damaged", pid, res.Failures)
	}
}
