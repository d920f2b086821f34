//go:build linux

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// evilName is a file name that splits a row and colours the terminal when
// printed raw.
const evilName = "a\nb\x1b[31m"

// holdEvil starts sleep with a file named evilName open as its fd 3 and
// returns its pid and the file's path.
func holdEvil(t *testing.T) (pid int, path string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), evilName)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command("sleep", "60")
	cmd.ExtraFiles = []*os.File{f}
	if err := cmd.Start(); err != nil {
		t.Skipf("sleep: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd.Process.Pid, path
}

// rawControl returns the first control byte of s other than the newlines
// ending lines, or -1.
func rawControl(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\n' || c == 0x7f {
			return i
		}
	}
	return -1
}

// TestControlBytesInNames: the table prints one row per fd and no raw
// control byte, the name Go-quoted; JSON keeps the exact name; lsof, the
// reference, also keeps the row whole but writes ESC as ^[ unquoted.
func TestControlBytesInNames(t *testing.T) {
	pid, path := holdEvil(t)
	out, stderr, err := runLsfd(t, strconv.Itoa(pid))
	if err != nil {
		t.Fatalf("lsfd %d: %v\n%s", pid, err, stderr)
	}
	if i := rawControl(out); i >= 0 {
		t.Errorf("lsfd table holds raw byte %#x at %d:\n%q", out[i], i, out)
	}
	rows := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := strconv.Quote(path)
	var row3 []string
	for _, r := range rows {
		if strings.HasPrefix(r, "3 ") {
			row3 = append(row3, r)
		}
	}
	if len(row3) != 1 || !strings.HasSuffix(row3[0], " "+want) {
		t.Errorf("fd 3 rows %q; want one ending %s\n%s", row3, want, out)
	}
	for _, r := range rows[1:] {
		if _, err := strconv.Atoi(strings.Fields(r)[0]); err != nil {
			t.Errorf("row %q does not start with an fd: a name split the table", r)
		}
	}

	js, _, err := runLsfd(t, "-json", strconv.Itoa(pid))
	if err != nil {
		t.Fatal(err)
	}
	var es []entry
	if err := json.Unmarshal([]byte(js), &es); err != nil {
		t.Fatal(err)
	}
	exact := false
	for _, e := range es {
		exact = exact || e.FD == 3 && e.Path == path
	}
	if !exact {
		t.Errorf("-json does not hold fd 3 with the exact path %q:\n%s", path, js)
	}

	if _, err := exec.LookPath("lsof"); err != nil {
		t.Log("lsof not installed: no comparison")
		return
	}
	ref, err := exec.Command("lsof", "-n", "-P", "-a", "-d", "3", "-p", strconv.Itoa(pid)).Output()
	if err != nil {
		t.Fatalf("lsof: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(ref), "\n"), "\n")
	lsofName := filepath.Dir(path) + `/a\nb^[[31m`
	if len(lines) != 2 || !strings.HasSuffix(lines[1], " "+lsofName) {
		t.Errorf("lsof prints\n%s\nwant one row ending %s (the difference documented in lsfd's doc)", ref, lsofName)
	}
}
