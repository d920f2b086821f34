//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/internal/cli/clitest"
	"github.com/procscope/procscope/internal/fixtures"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
	"github.com/procscope/procscope/tree"
)

func init() { proctest.RegisterHelper("holder", child) }

func TestMain(m *testing.M) { proctest.Main(m) }

// child holds a file, a pipe and a listening socket open, runs extra
// threads, says "ready" and waits for its stdin to close.
func child([]string) int {
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
	fmt.Println(proctest.Ready)
	proctest.WaitStdin()
	f.Close()
	r.Close()
	w.Close()
	l.Close()
	return 0
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
		{"traced", 8070}, {"init", 1}, {"readers", 1588},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s-%d", tt.fixture, tt.pid)
		t.Run(name, func(t *testing.T) {
			got, err := inspect(t, "-root", fixtures.Dir(t, tt.fixture), "-json", strconv.Itoa(tt.pid))
			if err != nil {
				t.Fatal(err)
			}
			proctest.Golden(t, filepath.Join("testdata", name+".json"), []byte(got))
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
	cmd := proctest.HelperCommand(t, "holder")
	cmd.Env = []string{"PATH=/usr/bin:/bin", "GITHUB_TOKEN=ghp_R8fK2mQ9zL4xW7vB1nT6yH3cJ5pD0sG8aE2u", "DB_PASSWORD=hunter2-correct-horse"}
	c := proctest.StartHelper(t, cmd)
	pid := c.PID
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
	if diff := cmp.Diff(withoutSharing(t, live), withoutSharing(t, captured)); diff != "" {
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
}

// checkReaders checks the parts from the readers of cgroup, ns, mountinfo
// and attr in inspect's JSON and text against the kernel's own files.
func checkReaders(t *testing.T, pid int, js string) {
	t.Helper()
	// The redacted cmdline and env are not decoded back: only their
	// printers exist (internal/cli keeps no raw value when redacting). Nor
	// are the fds: fd.FD has a JSON encoding only.
	var d struct {
		detail
		Cmdline json.RawMessage `json:"cmdline"`
		Env     json.RawMessage `json:"env"`
		FDs     json.RawMessage `json:"fds"`
	}
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
	if len(d.Limits) != 16 || d.Statm == nil || d.Statm.Resident == 0 || d.Rollup == nil || d.Rollup.Rss == 0 ||
		len(d.Maps) == 0 || d.IO == nil || d.IO.RChar == 0 || d.OOMScore == nil || d.LoginUID == nil || d.SessionID == nil {
		t.Errorf("limits %d, statm %+v, smaps_rollup %+v, %d maps, io %+v, oom_score_adj %v, loginuid %v, sessionid %v; want each read",
			len(d.Limits), d.Statm, d.Rollup, len(d.Maps), d.IO, d.OOMScore, d.LoginUID, d.SessionID)
	}
	text, err := inspect(t, strconv.Itoa(pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\nns net: ", "\nlsm: ", "\ncgroup: ", "\nmount ", "\nlimit NOFILE: ", "\nstatm: ", "\nsmaps_rollup: ",
		"\nmap: ", "\nio: ", "\noom_score_adj: ", "\nloginuid: ", "\nsessionid: "} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}
}

// TestReadersFixtureJSON checks the JSON of the readers fixture for the
// values its capture set, and the forms "unlimited" and "unset" take.
func TestReadersFixtureJSON(t *testing.T) {
	out, err := inspect(t, "-root", fixtures.Dir(t, "readers"), "-json", "1588")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"oom_score_adj": 500`, `"loginuid": 1000`, `"sessionid": 2`, `"lsm": "none"`,
		`"resource": "NOFILE",` + "\n      \"soft\": 1024,\n      \"hard\": 4096", `"resource": "CORE",` + "\n      \"soft\": 0,\n      \"hard\": \"unlimited\"",
		`"path": "/procscope-fixture"`, `mnt a\\b"`, `"source": "fixture src"`, `"path": "[stack]"`} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect -json of the readers fixture lacks %s", want)
		}
	}
	out, err = inspect(t, "-root", fixtures.Dir(t, "kthread"), "-json", "2")
	if err != nil {
		t.Fatal(err)
	}
	// A kernel thread has no memory: smaps_rollup is absent and named in
	// errors, not reported as a gone process.
	if strings.Contains(out, `"smaps_rollup": {`) || !strings.Contains(out, `"limits": [`) {
		t.Errorf("inspect -json of kthreadd: want limits and no smaps_rollup:\n%s", out)
	}
}

// withoutSharing removes from inspect's JSON the sums of smaps_rollup that
// depend on how other processes share the pages (pss, shared and private
// pages): they change while the stopped process holds still, as the test
// and capture map the same files.
func withoutSharing(t *testing.T, js string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatal(err)
	}
	if r, ok := m["smaps_rollup"].(map[string]any); ok {
		for k := range r {
			if strings.HasPrefix(k, "pss") || strings.HasPrefix(k, "shared_") || strings.HasPrefix(k, "private_") {
				delete(r, k)
			}
		}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestBadRoot: a -root that does not exist, is a regular file or holds a
// garbage capture.json is a one-line error naming it (main exits 1).
func TestBadRoot(t *testing.T) {
	for what, dir := range clitest.BadRoots(t) {
		for _, args := range [][]string{{"-root", dir}, {"-root", dir, "1"}} {
			t.Run(what+" "+strings.ReplaceAll(strings.Join(args, " "), dir, "DIR"), func(t *testing.T) {
				var out, errOut bytes.Buffer
				clitest.CheckRootError(t, run(args, &out, &errOut), dir)
			})
		}
	}
}

// TestHelp: -h, -help and --help print the usage, naming the arguments, on
// stdout and exit 0 (they exited 1 with "flag: help requested").
func TestHelp(t *testing.T) {
	clitest.Help(t, "[PID]")
}

// TestReadAncestors: the ancestors inspect reads from stat files alone are
// those a whole tree.Scan links; an absent pid is an error matching
// fs.ErrNotExist, and pid 1 has none (an empty list, not null).
func TestReadAncestors(t *testing.T) {
	f := proc.Default()
	s, err := tree.Scan(context.Background(), f, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := s.Node(os.Getpid())
	if n == nil {
		t.Fatal("this process is not in the snapshot")
	}
	want := []ancestor{}
	for _, a := range n.Ancestors() {
		want = append(want, ancestor{PID: a.PID, Comm: a.Comm})
	}
	got, err := readAncestors(f, os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" || len(got) == 0 {
		t.Errorf("readAncestors(self) (-tree.Scan +got):\n%s", diff)
	}
	if _, err := readAncestors(f, 1<<22+1); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("readAncestors(absent) error = %v, want fs.ErrNotExist", err)
	}
	if a, err := readAncestors(f, 1); err != nil || a == nil || len(a) != 0 {
		t.Errorf("readAncestors(1) = %#v, %v; want an empty list", a, err)
	}
}
