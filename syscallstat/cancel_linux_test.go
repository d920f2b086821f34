//go:build linux && (amd64 || arm64)

package syscallstat

import (
	"context"
	"errors"
	"io/fs"
	"os/exec"
	"syscall"
	"testing"
)

// TestCancelAfterEnd: Cancel on a trace that is over does nothing; it must
// not signal the command's pid, which was reaped and may be reused.
func TestCancelAfterEnd(t *testing.T) {
	tr, err := Start(exec.Command("/bin/true"), &Options{Follow: true})
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			t.Skipf("ptrace not permitted here: %v", err)
		}
		t.Fatal(err)
	}
	if _, err := tr.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	tr.Cancel(syscall.SIGTERM)
	if tr.cancelled.Load() || tr.cancelSig != 0 {
		t.Errorf("Cancel after the end acted (signal %v): it signals a reaped pid", tr.cancelSig)
	}
	if _, err := tr.Wait(context.Background()); err != nil {
		t.Errorf("Wait after a late Cancel = %v, want the first result", err)
	}
}
