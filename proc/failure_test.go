package proc_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/procscope/procscope/proc"
)

func TestFailure(t *testing.T) {
	f := proc.Failure{PID: 5, Err: &fs.PathError{Op: "open", Path: "5/environ", Err: syscall.EACCES}}
	if got, want := f.Error(), "pid 5: open 5/environ: permission denied"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var err error = f
	var pe *fs.PathError
	if !errors.Is(err, fs.ErrPermission) || errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || pe.Path != "5/environ" {
		t.Errorf("errors.Is/As do not see through %v", err)
	}
	b, err := json.Marshal([]proc.Failure{f, {PID: 6}})
	if want := `[{"pid":5,"error":"open 5/environ: permission denied"},{"pid":6,"error":""}]`; err != nil || string(b) != want {
		t.Errorf("JSON = %s, %v; want %s", b, err, want)
	}
	if got := (proc.Failure{PID: 6}).Error(); got != "pid 6: <nil>" {
		t.Errorf("Error() without Err = %q", got)
	}
	// Every error is one line, also when Err joins several.
	multi := proc.Failure{PID: 7, Err: errors.Join(fs.ErrNotExist, fs.ErrPermission)}
	if got, want := multi.Error(), "pid 7: file does not exist; permission denied"; got != want {
		t.Errorf("Error() of a joined Err = %q, want %q", got, want)
	}
	if b, err := json.Marshal(multi); err != nil || string(b) != `{"pid":7,"error":"file does not exist; permission denied"}` {
		t.Errorf("JSON of a joined Err = %s, %v", b, err)
	}
}

// opens counts the names opened through an fs.FS.
type opens struct {
	fs.FS
	names []string
}

func (o *opens) Open(name string) (fs.File, error) {
	o.names = append(o.names, name)
	return o.FS.Open(name)
}

// TestAllBreak: FS.All lists the processes once and reads none of them;
// breaking out of the loop ends it.
func TestAllBreak(t *testing.T) {
	m := fstest.MapFS{}
	for _, pid := range []string{"1", "2", "3", "4"} {
		m[pid+"/stat"] = &fstest.MapFile{Data: []byte(pid + " (x) S 0")}
	}
	o := &opens{FS: m}
	n := 0
	for p, err := range proc.New(o).All() {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if p.PID == 2 {
			break
		}
	}
	listed := 0
	for _, name := range o.names {
		switch {
		case name == ".":
			listed++
		case name != "capture.json": // New looks for one
			t.Errorf("All opened %q; want no process read", name)
		}
	}
	if n != 2 || listed != 1 {
		t.Errorf("All, broken out of at pid 2: %d yields, %d listings; want 2 yields and one listing", n, listed)
	}
}
