//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/internal/fixtures"
	"github.com/procscope/procscope/internal/proctest"
	"github.com/procscope/procscope/proc"
)

var update = flag.Bool("update", false, "rewrite the JSON golden files in testdata (our own output only)")

const childEnv = "INSPECT_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		child()
		return
	}
	flag.Parse()
	os.Exit(m.Run())
}

// child holds a file, a pipe and a listening socket open, runs extra
// threads, says "ready" and waits for its stdin to close.
func child() {
	f, err := os.Open("/etc/hostname")
	if err != nil {
		panic(err)
	}
	r, w, _ := os.Pipe()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	for range 2 {
		go func() { runtime.LockOSThread(); select {} }()
	}
	time.Sleep(50 * time.Millisecond)
	fmt.Println("ready")
	os.Stdin.Read(make([]byte, 1))
	f.Close()
	r.Close()
	w.Close()
	l.Close()
}

func inspect(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(args, &out, &errOut)
	return out.String(), err
}

// TestFixtureGolden prints one process of each fixture tree as JSON and
// compares it with testdata/NAME.json. The goldens are our own output,
// reviewed when written with -update.
func TestFixtureGolden(t *testing.T) {
	tests := []struct {
		fixture string
		pid     int
	}{
		{"shell", 7967}, {"threads", 7980}, {"kthread", 2}, {"zombie", 8004}, {"stopped", 8014},
		{"comm-paren", 8026}, {"deleted-exe", 8038}, {"deleted-exe", 8039}, {"argv-rewritten", 8056},
		{"traced", 8070}, {"init", 1},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s-%d", tt.fixture, tt.pid)
		t.Run(name, func(t *testing.T) {
			got, err := inspect(t, "-root", fixtures.Dir(t, tt.fixture), "-json", strconv.Itoa(tt.pid))
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".json")
			if *update {
				os.MkdirAll("testdata", 0o755)
				os.WriteFile(golden, []byte(got), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("inspect -json %d on %s (-want +got):\n%s", tt.pid, tt.fixture, diff)
			}
		})
	}
}

// TestFixtureFacts checks what each golden must say, independent of the
// goldens themselves.
func TestFixtureFacts(t *testing.T) {
	type facts struct {
		State      string            `json:"state"`
		Exe        *string           `json:"exe"`
		ExeDeleted *bool             `json:"exe_deleted"`
		TracerPID  *int              `json:"tracer_pid"`
		Comm       string            `json:"comm"`
		Errors     map[string]string `json:"errors"`
		Tasks      []task            `json:"tasks"`
	}
	read := func(fixture string, pid int) facts {
		out, err := inspect(t, "-root", fixtures.Dir(t, fixture), "-json", strconv.Itoa(pid))
		if err != nil {
			t.Fatal(err)
		}
		var f facts
		if err := json.Unmarshal([]byte(out), &f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	if f := read("deleted-exe", 8038); f.ExeDeleted == nil || !*f.ExeDeleted {
		t.Errorf("deleted exe: exe_deleted = %v; want true", f.ExeDeleted)
	}
	if f := read("deleted-exe", 8039); f.ExeDeleted == nil || *f.ExeDeleted || !strings.HasSuffix(*f.Exe, " (deleted)") {
		t.Errorf("live binary named \"live (deleted)\": exe %v deleted %v; want the full name, false", f.Exe, f.ExeDeleted)
	}
	if f := read("traced", 8070); f.TracerPID == nil || *f.TracerPID != 8066 {
		t.Errorf("traced: tracer_pid = %v; want 8066", f.TracerPID)
	}
	if f := read("zombie", 8004); f.State != "Z" || f.Exe != nil || f.Errors["exe"] == "" {
		t.Errorf("zombie: state %q exe %v errors %v; want Z, no exe and an exe error", f.State, f.Exe, f.Errors)
	}
	if f := read("comm-paren", 8026); f.Comm != "x) (y z" {
		t.Errorf("comm = %q; want %q", f.Comm, "x) (y z")
	}
	if f := read("threads", 7980); len(f.Tasks) != 5 || f.Tasks[4].Comm != "worker-3" {
		t.Errorf("tasks = %v; want 5 with worker-3 last", f.Tasks)
	}
	f := read("init", 1)
	for _, part := range []string{"exe", "cwd", "root", "env"} {
		if !strings.Contains(f.Errors[part], "permission denied") {
			t.Errorf("init: errors[%s] = %q; want permission denied", part, f.Errors[part])
		}
	}
}

func TestMissingProcess(t *testing.T) {
	_, err := inspect(t, "-root", fixtures.Dir(t, "shell"), "424242")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("inspect of a missing pid: error %v; want fs.ErrNotExist", err)
	}
	if _, err := inspect(t, "x"); err == nil {
		t.Error("inspect x: no error; want a bad pid error")
	}
}

func TestTableOnFixture(t *testing.T) {
	out, err := inspect(t, "-root", fixtures.Dir(t, "deleted-exe"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("table has %d lines; want a header and 2 processes:\n%s", len(lines), out)
	}
	if f := strings.Fields(lines[0]); strings.Join(f, " ") != "PID PPID USER THR FDS SECRETS FLAGS COMMAND" {
		t.Errorf("header = %q", lines[0])
	}
	for i, want := range []string{"8038", "8039"} {
		f := strings.Fields(lines[i+1])
		if f[0] != want || f[3] != "1" || f[4] != "5" || f[5] != "0" {
			t.Errorf("row %q; want pid %s, 1 thread, 5 fds, 0 secrets", lines[i+1], want)
		}
	}
	if f := strings.Fields(lines[1]); f[6] != "deleted-exe" {
		t.Errorf("flags of the deleted binary = %q; want deleted-exe", f[6])
	}
	if f := strings.Fields(lines[2]); f[6] != "-" {
		t.Errorf("flags of the live binary = %q; want -", f[6])
	}
}

// TestLiveMatchesCapture inspects a stopped child live, captures it with its
// ancestors, and inspects the capture: the output must be the same.
func TestLiveMatchesCapture(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = []string{childEnv + "=1", "PATH=/usr/bin:/bin", "GITHUB_TOKEN=ghp_R8fK2mQ9zL4xW7vB1nT6yH3cJ5pD0sG8aE2u", "DB_PASSWORD=hunter2-correct-horse"}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	buf := make([]byte, 6)
	if _, err := stdout.Read(buf); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	cmd.Process.Signal(syscall.SIGSTOP)
	proctest.WaitStopped(t, proc.Default().Process(pid))
	live, err := inspect(t, "-json", strconv.Itoa(pid))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pids := []int{pid}
	for p := os.Getpid(); p > 0; {
		pids = append(pids, p)
		st, err := proc.Default().Process(p).Stat()
		if err != nil {
			t.Fatal(err)
		}
		p = st.PPID
	}
	if _, err := proc.Capture(dir, proc.Default(), pids, nil); err != nil {
		t.Fatal(err)
	}
	captured, err := inspect(t, "-root", dir, "-json", strconv.Itoa(pid))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(live, captured); diff != "" {
		t.Errorf("inspect of the capture differs from live (-live +capture):\n%s", diff)
	}
	for _, want := range []string{`"<redacted:`, `"tid": ` + strconv.Itoa(pid), `"ancestors"`, `"state": "T"`, `"local": "127.0.0.1:`, `"target": "/etc/hostname"`} {
		if !strings.Contains(live, want) {
			t.Errorf("live output lacks %s:\n%s", want, live)
		}
	}
	if strings.Contains(live, "hunter2") || strings.Contains(live, "R8fK2mQ9") {
		t.Errorf("live output shows a secret value:\n%s", live)
	}
	checkReaders(t, pid, live)
	cmd.Process.Signal(syscall.SIGCONT)
	stdin.Close()
}

// checkReaders checks the parts from the readers of cgroup, ns, mountinfo
// and attr in inspect's JSON and text against the kernel's own files.
func checkReaders(t *testing.T, pid int, js string) {
	t.Helper()
	var d detail
	if err := json.Unmarshal([]byte(js), &d); err != nil {
		t.Fatal(err)
	}
	dir := "/proc/" + strconv.Itoa(pid)
	link, err := os.Readlink(dir + "/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, n := range d.Namespaces {
		found = found || n.Name == "net" && fmt.Sprintf("%s:[%d]", n.Type, n.Inode) == link
	}
	if !found {
		t.Errorf("namespaces %+v lack net as %s", d.Namespaces, link)
	}
	cg, _ := os.ReadFile(dir + "/cgroup")
	if n := strings.Count(string(cg), "\n"); len(d.Cgroup) != n || n == 0 {
		t.Errorf("cgroup has %d lines, the kernel's file %d", len(d.Cgroup), n)
	}
	mi, _ := os.ReadFile(dir + "/mountinfo")
	if n := strings.Count(string(mi), "\n"); len(d.Mounts) != n || n == 0 {
		t.Errorf("mounts has %d entries, mountinfo %d lines", len(d.Mounts), n)
	}
	if d.LSM == nil || d.LSM.LSM == "" {
		t.Errorf("lsm = %+v; want a module or \"none\"", d.LSM)
	}
	text, err := inspect(t, strconv.Itoa(pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\nns net: ", "\nlsm: ", "\ncgroup: ", "\nmount "} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}
}
