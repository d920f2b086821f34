//go:build linux && (amd64 || arm64)

package syscallstat_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/procscope/procscope/syscallstat"
)

// TestLayoutMatchesStrace has strace lay out a real summary with every time
// forced to zero (-O 1 subtracts one second of overhead from each call,
// clamped at zero), so its output depends only on names, numbers, calls and
// errors; WriteSummary must print the same table byte for byte, for every
// sort key.
func TestLayoutMatchesStrace(t *testing.T) {
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not installed")
	}
	exe, _ := os.Executable()
	for _, key := range []string{"time", "calls", "errors", "name", "nothing"} {
		t.Run(key, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			cmd := exec.Command("strace", append([]string{"-c", "-f", "-O", "1", "-S", key, "-o", out, exe}, workloadArgs("forks", 3)...)...)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("strace: %v\n%s", err, b)
			}
			want, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			// strace sometimes prints a line of its own about a thread
			// it lost ("PID ???( <detached ...>") before the table.
			if i := bytes.Index(want, []byte("% time")); i > 0 {
				want = want[i:]
			}
			tab, err := syscallstat.ParseSummary(want)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tab {
				nr, ok := syscallstat.SyscallNumber(tab[i].ABI, tab[i].Name)
				if !ok {
					t.Fatalf("strace's %q is not in our table", tab[i].Name)
				}
				tab[i].Number = nr
			}
			k, _ := syscallstat.ParseSortKey(key)
			var got bytes.Buffer
			syscallstat.WriteSummary(&got, tab, k)
			if diff := cmp.Diff(string(want), got.String()); diff != "" {
				t.Errorf("WriteSummary differs from strace -c -S %s (-strace +ours):\n%s", key, diff)
			}
		})
	}
}
