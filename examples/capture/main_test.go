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

	"errors"
	"github.com/procscope/procscope/internal/cli/clitest"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"
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
	if got, _ := proctest.Capture(t, down).PIDs(); !slices.Equal(got, []int{sh.Process.Pid, sleep}) {
		t.Errorf("capture -children %d holds %v; want the shell and its child %d", sh.Process.Pid, got, sleep)
	}
	if comm, err := proctest.Capture(t, down).Process(sleep).Comm(); err != nil || comm != "sleep" {
		t.Errorf("captured child comm = %q, %v; want sleep", comm, err)
	}

	up := t.TempDir()
	if err := run([]string{"-o", up, "-ancestors", strconv.Itoa(sleep)}, &out, &errOut); err != nil {
		t.Fatalf("capture -ancestors: %v\n%s", err, errOut.String())
	}
	got, _ := proctest.Capture(t, up).PIDs()
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

// TestBadRoot: a -root that does not exist, is a regular file or holds a
// garbage capture.json is a one-line error naming it (main exits 1).
func TestBadRoot(t *testing.T) {
	for what, dir := range clitest.BadRoots(t) {
		for _, args := range [][]string{{"-o", filepath.Join(t.TempDir(), "out"), "-root", dir, "1"}} {
			t.Run(what+" "+strings.ReplaceAll(strings.Join(args, " "), dir, "DIR"), func(t *testing.T) {
				var out, errOut bytes.Buffer
				clitest.CheckRootError(t, run(args, &out, &errOut), dir)
			})
		}
	}
}

// startSleep starts a sleep with the environment env and returns its pid
// once it runs sleep.
func startSleep(t *testing.T, env ...string) int {
	t.Helper()
	cmd := exec.Command("sleep", "1000")
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	pid := cmd.Process.Pid
	for range 500 {
		if b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm"); string(b) == "sleep\n" {
			return pid
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("sleep did not start")
	return 0
}

// checkModes checks that nothing under the capture dir is open to group or
// others: directories 0700, capture.json 0600, and every other file the
// mode of its /proc source masked to the owner (environ 0400).
func checkModes(t *testing.T, dir string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		perm := fi.Mode().Perm()
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
		case fi.IsDir():
			if perm != 0o700 {
				t.Errorf("directory %s has mode %v, want 0700", rel, perm)
			}
		case rel == proc.CaptureFile:
			if perm != 0o600 {
				t.Errorf("%s has mode %v, want 0600", rel, perm)
			}
		default:
			files++
			src, err := os.Lstat(filepath.Join("/proc", rel))
			if err != nil {
				t.Errorf("%s: source: %v", rel, err)
				return nil
			}
			if want := src.Mode().Perm() & 0o700; perm != want {
				t.Errorf("%s has mode %v, want %v (the source's %v masked to the owner)", rel, perm, want, src.Mode().Perm())
			}
			if filepath.Base(rel) == "environ" && perm != 0o400 {
				t.Errorf("%s has mode %v, want 0400", rel, perm)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 10 {
		t.Errorf("only %d files captured under %s", files, dir)
	}
}

// TestCaptureModes captures a child into a directory whose parents are
// missing, with a umask that would open files to others, and checks every
// mode.
func TestCaptureModes(t *testing.T) {
	pid := startSleep(t, "PROCSCOPE_TEST=1")
	old := syscall.Umask(0)
	t.Cleanup(func() { syscall.Umask(old) })
	dir := filepath.Join(t.TempDir(), "new", "capture")
	var out, errOut bytes.Buffer
	if err := run([]string{"-o", dir, strconv.Itoa(pid)}, &out, &errOut); err != nil {
		t.Fatalf("capture: %v\n%s", err, errOut.String())
	}
	checkModes(t, dir)
	if fi, err := os.Stat(filepath.Dir(dir)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("created parent: %v, %v; want mode 0700", fi, err)
	}
}

func readCapture(t *testing.T, dir string) (proc.CaptureInfo, []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, proc.CaptureFile))
	if err != nil {
		t.Fatal(err)
	}
	var info proc.CaptureInfo
	if err := json.Unmarshal(b, &info); err != nil {
		t.Fatal(err)
	}
	return info, b
}

// TestAdd: a second capture into the same directory is refused unless
// -add, which merges capture.json; a pid given twice is captured once; a
// failed capture leaves nothing it created.
func TestAdd(t *testing.T) {
	a, b := startSleep(t), startSleep(t)
	sa, sb := strconv.Itoa(a), strconv.Itoa(b)
	var out, errOut bytes.Buffer
	dir := filepath.Join(t.TempDir(), "d")
	if err := run([]string{"-o", dir, sa}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	_, before := readCapture(t, dir)
	unchanged := func(what string) {
		t.Helper()
		if _, now := readCapture(t, dir); !bytes.Equal(now, before) {
			t.Errorf("%s changed capture.json:\n%s\nwas:\n%s", what, now, before)
		}
		if _, err := os.Lstat(filepath.Join(dir, sb)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s left %s behind: %v", what, sb, err)
		}
	}
	if err := run([]string{"-o", dir, sb}, &out, &errOut); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("capture into a capture without -add: %v; want an error naming it", err)
	}
	unchanged("capture without -add")
	if err := run([]string{"-o", dir, "-add", sb, "999999999"}, &out, &errOut); err == nil {
		t.Error("capture -add of a missing pid: no error")
	}
	unchanged("a failed capture -add")
	if err := run([]string{"-o", dir, "-add", sa}, &out, &errOut); err == nil {
		t.Error("capture -add of a pid already there: no error")
	}
	unchanged("capture -add of a pid already there")

	if err := run([]string{"-o", dir, "-add", "-note", "second", sb, sb}, &out, &errOut); err != nil {
		t.Fatalf("capture -add: %v", err)
	}
	info, _ := readCapture(t, dir)
	if !slices.Equal(info.PIDs, []int{min(a, b), max(a, b)}) || len(info.Additions) != 1 ||
		!slices.Equal(info.Additions[0].PIDs, []int{b}) || info.Additions[0].Note != "second" {
		t.Errorf("merged capture.json: pids %v, additions %+v; want both pids and one addition of %d", info.PIDs, info.Additions, b)
	}
	if _, ok := info.Links[sa+"/exe"]; !ok {
		t.Errorf("merged capture.json lost %s's links", sa)
	}
	if _, ok := info.Links[sb+"/exe"]; !ok {
		t.Errorf("merged capture.json lacks %s's links", sb)
	}
	f := proctest.Capture(t, dir)
	for _, pid := range []int{a, b} {
		if exe, err := f.Process(pid).Exe(); err != nil || exe.Ino == 0 {
			t.Errorf("pid %d read back: exe %+v, %v", pid, exe, err)
		}
	}
	checkModes(t, dir)

	out.Reset()
	twice := filepath.Join(t.TempDir(), "twice")
	if err := run([]string{"-o", twice, sa, sa}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if info, _ := readCapture(t, twice); !slices.Equal(info.PIDs, []int{a}) || out.String() != "captured 1 processes into "+twice+"\n" {
		t.Errorf("capture P P: pids %v, said %q; want P once", info.PIDs, out.String())
	}

	parent := t.TempDir()
	for _, o := range []string{filepath.Join(parent, "x"), filepath.Join(parent, "y", "z")} {
		if err := run([]string{"-o", o, sa, "999999999"}, &out, &errOut); err == nil {
			t.Errorf("capture -o %s of a missing pid: no error", o)
		}
	}
	empty := filepath.Join(parent, "empty")
	os.Mkdir(empty, 0o755)
	if err := run([]string{"-o", empty, sa, "999999999"}, &out, &errOut); err == nil {
		t.Error("capture of a missing pid: no error")
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 1 || ents[0].Name() != "empty" {
		t.Errorf("failed captures left %v in %s; want only the empty directory that was there", ents, parent)
	}
	if ents, _ := os.ReadDir(empty); len(ents) != 0 {
		t.Errorf("a failed capture into an empty directory left %v", ents)
	}
}

// TestHelp: -h, -help and --help print the usage, naming the arguments, on
// stdout and exit 0 (they exited 1 with "flag: help requested").
func TestHelp(t *testing.T) {
	clitest.Help(t, "PID...", "-o DIR")
}
