package fd

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/procscope/procscope/internal/fixtures"
	"github.com/procscope/procscope/internal/proctest"
	"github.com/procscope/procscope/proc"
)

// TestHoldersDamagedCapture: a capture whose fdinfo folder is missing
// reports the process in Errors, naming the file, instead of skipping it.
func TestHoldersDamagedCapture(t *testing.T) {
	dir := proctest.CopyCapture(t, fixtures.Dir(t, "fd-kinds"))
	fsys := proctest.Dir(t, dir)
	pids, err := fsys.PIDs()
	if err != nil {
		t.Fatal(err)
	}
	c, err := fsys.CaptureInfo()
	if err != nil {
		t.Fatal(err)
	}
	pid := strconv.Itoa(pids[0])
	l := c.Links[pid+"/fd/5"]
	ref := FileRef{Dev: l.Dev, Ino: l.Ino}
	res, err := HoldersOf(fsys, ref)
	if err != nil || len(res.Holders) != 1 || res.Errors != nil {
		t.Fatalf("intact capture: holders %+v, errors %v, %v; want one holder", res.Holders, res.Errors, err)
	}

	if err := os.RemoveAll(filepath.Join(dir, pid, "fdinfo")); err != nil {
		t.Fatal(err)
	}
	res, err = HoldersOf(proctest.Dir(t, dir), ref)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(res.Errors, proc.ErrDamaged) || !strings.Contains(res.Errors.Error(), pid+"/fdinfo/") {
		t.Errorf("capture without %s/fdinfo: errors %v; want the process reported as damaged", pid, res.Errors)
	}
}
