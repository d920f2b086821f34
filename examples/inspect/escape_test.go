//go:build linux

package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const evilName = "a\nb\x1b[31m"

// TestControlBytes: a process with a file named "a\nb\x1b[31m" open as fd
// 3 and the same string in its command line prints, in the table and in
// the text of one process, no raw control byte, one line per fd and one row
// per process, the strings Go-quoted.
func TestControlBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), evilName)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// sh stays (sleep is not its last command) with evilName as its $0.
	cmd := exec.Command("sh", "-c", `sleep 60; : "$0"`, evilName, "not\xffutf8")
	cmd.ExtraFiles = []*os.File{f}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Skipf("sh: %v", err)
	}
	t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); cmd.Wait() })
	pid := strconv.Itoa(cmd.Process.Pid)
	time.Sleep(50 * time.Millisecond) // let sh start sleep

	text, err := inspect(t, pid)
	if err != nil {
		t.Fatal(err)
	}
	table, err := inspect(t)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"inspect " + pid: text, "inspect": table} {
		for i := 0; i < len(out); i++ {
			if c := out[i]; c < ' ' && c != '\n' || c == 0x7f {
				t.Errorf("%s holds raw byte %#x at %d:\n%q", name, c, i, out)
				break
			}
		}
	}
	var fd3, cmdline []string
	for line := range strings.Lines(text) {
		switch {
		case strings.HasPrefix(line, "fd 3:"):
			fd3 = append(fd3, line)
		case strings.HasPrefix(line, "cmdline:"):
			cmdline = append(cmdline, line)
		}
	}
	if len(fd3) != 1 || !strings.HasSuffix(fd3[0], " "+strconv.Quote(path)+"\n") {
		t.Errorf("fd 3 lines %q; want one ending %s", fd3, strconv.Quote(path))
	}
	wantCmd := strconv.Quote(`sh -c sleep 60; : "$0" ` + evilName + " not\xffutf8")
	if len(cmdline) != 1 || !strings.HasSuffix(cmdline[0], " "+wantCmd+"\n") {
		t.Errorf("cmdline lines %q; want one ending %s", cmdline, wantCmd)
	}
	js, err := inspect(t, "-json", pid)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Cmdline []string `json:"cmdline"`
		B64     []string `json:"cmdline_base64"`
	}
	if err := json.Unmarshal([]byte(js), &d); err != nil {
		t.Fatal(err)
	}
	var exact []string
	for _, b := range d.B64 {
		a, err := base64.StdEncoding.DecodeString(b)
		if err != nil {
			t.Fatal(err)
		}
		exact = append(exact, string(a))
	}
	if want := cmd.Args; !slices.Equal(exact, want) || len(d.Cmdline) != len(want) {
		t.Errorf("-json cmdline %q, cmdline_base64 decodes to %q; want %q", d.Cmdline, exact, want)
	}

	rows := 0
	for line := range strings.Lines(table) {
		if f := strings.Fields(line); len(f) > 0 && f[0] == pid {
			rows++
			if !strings.HasSuffix(line, " "+wantCmd+"\n") {
				t.Errorf("table row %q; want it to end %s", line, wantCmd)
			}
		}
		if f := strings.Fields(line); len(f) > 0 && f[0] != "PID" {
			if _, err := strconv.Atoi(f[0]); err != nil {
				t.Errorf("table line %q does not start with a pid: a command split the table", line)
			}
		}
	}
	if rows != 1 {
		t.Errorf("%d table rows for pid %s; want 1", rows, pid)
	}
}
