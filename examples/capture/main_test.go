//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/procscope/procscope/internal/cli/clitest"
	"github.com/procscope/procscope/proc"
)

// TestChildrenAndAncestors captures a shell with a child sleep, once with
// -children from the shell and once with -ancestors from the sleep, and
// reads both captures back.
func TestChildrenAndAncestors(t *testing.T) {
	sh := exec.Command("sh", "-c", "sleep 1000 & wait")
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sh.Process.Kill(); sh.Wait() })
	var sleep int
	for range 500 {
		if b, err := os.ReadFile("/proc/" + strconv.Itoa(sh.Process.Pid) + "/task/" + strconv.Itoa(sh.Process.Pid) + "/children"); err == nil && len(bytes.Fields(b)) == 1 {
			sleep, _ = strconv.Atoi(string(bytes.Fields(b)[0]))
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if sleep == 0 {
		t.Fatal("the shell did not start its child")
	}
	t.Cleanup(func() { killPID(sleep) })

	down := t.TempDir()
	var out, errOut bytes.Buffer
	if err := run([]string{"-o", down, "-children", strconv.Itoa(sh.Process.Pid)}, &out, &errOut); err != nil {
		t.Fatalf("capture -children: %v\n%s", err, errOut.String())
	}
	if got, _ := proc.NewDir(down).PIDs(); !slices.Equal(got, []int{sh.Process.Pid, sleep}) {
		t.Errorf("capture -children %d holds %v; want the shell and its child %d", sh.Process.Pid, got, sleep)
	}
	if comm, err := proc.NewDir(down).Process(sleep).Comm(); err != nil || comm != "sleep" {
		t.Errorf("captured child comm = %q, %v; want sleep", comm, err)
	}

	up := t.TempDir()
	if err := run([]string{"-o", up, "-ancestors", strconv.Itoa(sleep)}, &out, &errOut); err != nil {
		t.Fatalf("capture -ancestors: %v\n%s", err, errOut.String())
	}
	got, _ := proc.NewDir(up).PIDs()
	for _, want := range []int{1, os.Getpid(), sh.Process.Pid, sleep} {
		if !slices.Contains(got, want) {
			t.Errorf("capture -ancestors %d holds %v; want %d among them", sleep, got, want)
		}
	}

	out.Reset()
	if err := run([]string{"-o", t.TempDir(), "-json", strconv.Itoa(sleep)}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	var info proc.CaptureInfo
	if err := json.Unmarshal(out.Bytes(), &info); err != nil || !slices.Equal(info.PIDs, []int{sleep}) || info.Links[strconv.Itoa(sleep)+"/exe"].Ino == 0 {
		t.Errorf("capture -json printed %s (%v); want the recorded pids and links", out.Bytes(), err)
	}

	if err := run([]string{"-o", t.TempDir()}, &out, &errOut); err == nil {
		t.Error("capture without a pid: no error")
	}
	if err := run([]string{"-o", t.TempDir(), "999999999"}, &out, &errOut); err == nil {
		t.Error("capture of a missing pid: no error")
	}
}

func killPID(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		p.Kill()
	}
}

// TestHelp: -h, -help and --help print the usage, naming the arguments, on
// stdout and exit 0 (they exited 1 with "flag: help requested").
func TestHelp(t *testing.T) {
	clitest.Help(t, "PID...", "-o DIR")
}
