//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/procscope/procscope/internal/cli/clitest"
	"github.com/procscope/procscope/internal/fixtures"
	"github.com/procscope/procscope/proctest"
)

// fixture returns the fd-kinds capture and its helper's fd numbers.
func fixture(t *testing.T) (dir string, kindsPID, netnsPID int, kinds map[string]int) {
	dir = fixtures.Dir(t, "fd-kinds")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			pids = append(pids, n)
		}
	}
	if len(pids) != 2 {
		t.Fatalf("fixture has pids %v, want 2", pids)
	}
	b, err := os.ReadFile(filepath.Join(dir, "kinds.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &kinds); err != nil {
		t.Fatal(err)
	}
	return dir, pids[0], pids[1], kinds
}

// golden compares got with testdata/NAME.golden, lsfd's own output, which
// -update (proctest's flag) rewrites.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	proctest.Golden(t, filepath.Join("testdata", name+".golden"), got)
}

func runLsfd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(args, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func TestFixtureTable(t *testing.T) {
	dir, pid, netns, kinds := fixture(t)
	out, stderr, err := runLsfd(t, "-root", dir, strconv.Itoa(pid))
	if err != nil {
		t.Fatalf("lsfd: %v\n%s", err, stderr)
	}
	golden(t, "fixture-table", []byte(out))
	lines := strings.Split(out, "\n")
	if got := strings.Fields(lines[0]); !cmp.Equal(got, []string{"FD", "TYPE", "MODE", "NAME"}) {
		t.Errorf("header %q", lines[0])
	}
	want := map[string]string{
		"tcp_client": "TCP 127.0.0.1:" + strconv.Itoa(kinds["tcp_client_port"]) + "->127.0.0.1:" + strconv.Itoa(kinds["tcp_port"]) + " (ESTABLISHED)",
		"tcp_listen": "TCP 127.0.0.1:" + strconv.Itoa(kinds["tcp_port"]) + " (LISTEN)",
		"udp":        "UDP 127.0.0.1:" + strconv.Itoa(kinds["udp_port"]),
		"unix":       "UNIX /tmp/procscope-fd-fixture/unix sock type=STREAM (LISTEN)",
		"memfd":      "/memfd:test mem (deleted)",
		"eventfd":    "anon_inode:[eventfd]",
	}
	for kind, name := range want {
		prefix := strconv.Itoa(kinds[kind]) + " "
		found := false
		for _, l := range lines {
			if strings.HasPrefix(l, prefix) {
				found = true
				if !strings.HasSuffix(l, " "+name) {
					t.Errorf("%s: line %q, want NAME %q", kind, l, name)
				}
			}
		}
		if !found {
			t.Errorf("%s: fd %d not printed", kind, kinds[kind])
		}
	}

	// The namespace helper's listener is resolved from its own tables.
	out, _, err = runLsfd(t, "-root", dir, strconv.Itoa(netns))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "TCP 0.0.0.0:") || !strings.Contains(out, "(LISTEN)") {
		t.Errorf("netns listener not resolved:\n%s", out)
	}
}

func TestFixtureJSON(t *testing.T) {
	dir, pid, _, kinds := fixture(t)
	out, stderr, err := runLsfd(t, "-root", dir, "-json", strconv.Itoa(pid))
	if err != nil {
		t.Fatalf("lsfd: %v\n%s", err, stderr)
	}
	golden(t, "fixture-json", []byte(out))
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	keys := []string{"fd", "type", "subtype", "target", "path", "deleted", "inode", "mode", "flags", "pos", "mnt_id"}
	byFD := map[int]map[string]any{}
	for _, e := range got {
		for _, k := range keys {
			if _, ok := e[k]; !ok {
				t.Errorf("entry %v lacks key %q", e["fd"], k)
			}
		}
		_, hasSock := e["socket"]
		if hasSock != (e["type"] == "socket") {
			t.Errorf("fd %v: type %v but socket key present=%v", e["fd"], e["type"], hasSock)
		}
		if e["inode"].(float64) == 0 {
			t.Errorf("fd %v: inode 0", e["fd"])
		}
		byFD[int(e["fd"].(float64))] = e
	}
	check := func(kind string, want map[string]any) {
		t.Helper()
		e := byFD[kinds[kind]]
		for k, v := range want {
			if !cmp.Equal(e[k], v) {
				t.Errorf("%s: %s = %v, want %v", kind, k, e[k], v)
			}
		}
	}
	check("memfd", map[string]any{"type": "file", "subtype": "memfd", "path": "/memfd:test mem", "deleted": true, "mode": "u"})
	check("deleted", map[string]any{"type": "file", "path": "/tmp/procscope-fd-fixture/gone", "deleted": true})
	check("dir", map[string]any{"type": "file", "subtype": "directory", "mode": "r"})
	check("devnull", map[string]any{"type": "file", "subtype": "char-device"})
	check("eventfd", map[string]any{"type": "anon_inode", "subtype": "eventfd", "target": "anon_inode:[eventfd]"})
	check("pipe_w", map[string]any{"type": "pipe", "mode": "w"})
	// Captured on amd64: O_RDWR|O_APPEND|O_LARGEFILE|O_CLOEXEC there.
	check("regular", map[string]any{"pos": float64(10), "flags": float64(0o2102002)})
	check("tcp_server", map[string]any{"socket": map[string]any{
		"proto": "tcp", "local": "127.0.0.1:" + strconv.Itoa(kinds["tcp_port"]),
		"remote": "127.0.0.1:" + strconv.Itoa(kinds["tcp_client_port"]), "state": "ESTABLISHED"}})
	check("unix", map[string]any{"socket": map[string]any{
		"proto": "unix", "local": "/tmp/procscope-fd-fixture/unix sock", "remote": "", "state": "LISTEN"}})
}

func TestFixtureHolding(t *testing.T) {
	dir, pid, _, kinds := fixture(t)
	const gone = "/tmp/procscope-fd-fixture/gone"
	if _, err := os.Stat(gone); err == nil {
		t.Skipf("%s exists on this machine", gone)
	}
	out, _, err := runLsfd(t, "-root", dir, "-json", "-holding", gone)
	if err != nil {
		t.Fatal(err)
	}
	var rows []holderRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	fdn := kinds["deleted"]
	want := []holderRow{{PID: pid, Comm: "fd.test", FD: &fdn, Access: "F"}, {PID: pid, Comm: "fd.test", Access: "m"}}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("-holding (-want +got):\n%s", diff)
	}
	out, _, err = runLsfd(t, "-root", dir, "-holding", gone)
	if err != nil {
		t.Fatal(err)
	}
	if want := strconv.Itoa(pid) + " fd.test " + strconv.Itoa(fdn) + "w\n" + strconv.Itoa(pid) + " fd.test mem\n"; !strings.HasSuffix(out, want) {
		t.Errorf("-holding table %q, want it to end %q", out, want)
	}
}

func TestLive(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "held")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, stderr, err := runLsfd(t, "-json", strconv.Itoa(os.Getpid()))
	if err != nil {
		t.Fatalf("lsfd: %v\n%s", err, stderr)
	}
	var es []entry
	if err := json.Unmarshal([]byte(out), &es); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range es {
		if e.FD == int(f.Fd()) {
			found = true
			if e.Path != f.Name() || e.Mode != "u" || e.Flags == nil || e.Subtype != "regular" {
				t.Errorf("own temp file: %+v", e)
			}
		}
	}
	if !found {
		t.Errorf("fd %d not listed:\n%s", f.Fd(), out)
	}
	out, _, err = runLsfd(t, "-holding", f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, strconv.Itoa(os.Getpid())+" ") {
		t.Errorf("-holding does not list this process:\n%s", out)
	}
}

func TestErrors(t *testing.T) {
	dir, _, _, _ := fixture(t)
	tests := []struct {
		name string
		args []string
		is   error
		msg  string
	}{
		{"no pid", nil, nil, "exactly one PID"},
		{"two pids", []string{"1", "2"}, nil, "exactly one PID"},
		{"bad pid", []string{"x"}, nil, `bad PID "x"`},
		{"holding and pid", []string{"-holding", "/", "1"}, nil, "no PID"},
		{"bad flag", []string{"-nope"}, nil, "flag provided but not defined"},
		{"missing process", []string{"-root", dir, "999999"}, fs.ErrNotExist, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runLsfd(t, tt.args...)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v does not match %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not contain %q", err, tt.msg)
			}
		})
	}
}

// TestMainExit runs the built program: exit status 1 and a message naming
// the problem for a process that does not exist.
func TestMainExit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	bin := filepath.Join(t.TempDir(), "lsfd")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "999999999").CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.HasPrefix(string(out), "lsfd: ") {
		t.Errorf("lsfd 999999999: %v, %q; want exit 1 with lsfd: message", err, out)
	}
}

// TestBadRoot: a -root that does not exist, is a regular file or holds a
// garbage capture.json is a one-line error naming it (main exits 1).
func TestBadRoot(t *testing.T) {
	for what, dir := range clitest.BadRoots(t) {
		for _, args := range [][]string{{"-root", dir, "1"}, {"-root", dir, "-holding", "/"}} {
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
	clitest.Help(t, "PID", "-holding PATH")
}

// TestUnboundNetlink: lsfd names an unbound netlink socket (in no net
// table) by its protocol as lsof does, "protocol: NETLINK", in the table
// and as socket proto "netlink" in the JSON; it printed socket:[N].
func TestUnboundNetlink(t *testing.T) {
	nl, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		t.Skipf("netlink socket: %v", err)
	}
	t.Cleanup(func() { unix.Close(nl) })
	pid, n := strconv.Itoa(os.Getpid()), strconv.Itoa(nl)
	var stdout, stderr bytes.Buffer
	if err := run([]string{pid}, &stdout, &stderr); err != nil {
		t.Fatalf("lsfd %s: %v (stderr %q)", pid, err, stderr.String())
	}
	var line string
	for l := range strings.Lines(stdout.String()) {
		if f := strings.Fields(l); len(f) > 0 && f[0] == n {
			line = strings.TrimSpace(l)
		}
	}
	if !strings.HasSuffix(line, " protocol: NETLINK") {
		t.Errorf("lsfd line of fd %s = %q, want the name \"protocol: NETLINK\"", n, line)
	}
	stdout.Reset()
	if err := run([]string{"-json", pid}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	var entries []entry
	if err := json.Unmarshal(stdout.Bytes(), &entries); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.FD == nl && (e.Socket == nil || e.Socket.Proto != "netlink") {
			t.Errorf("lsfd -json fd %d: socket %+v, want proto netlink", nl, e.Socket)
		}
	}
	if _, err := exec.LookPath("lsof"); err != nil {
		t.Skip("lsof not installed; it is the reference for the name")
	}
	out, err := exec.Command("lsof", "-n", "-P", "-p", pid, "-a", "-d", n, "-F", "n").Output()
	if err != nil {
		t.Fatalf("lsof: %v", err)
	}
	if !strings.Contains(string(out), "\nnprotocol: NETLINK\n") {
		t.Errorf("lsof -F n of fd %s:\n%s\nwant the name lsfd prints, protocol: NETLINK", n, out)
	}
}

// entry decodes one object of lsfd -json.
type entry struct {
	FD          int     `json:"fd"`
	Type        string  `json:"type"`
	Subtype     string  `json:"subtype"`
	Target      string  `json:"target"`
	TargetBytes []byte  `json:"target_bytes"`
	Path        string  `json:"path"`
	Deleted     bool    `json:"deleted"`
	Inode       uint64  `json:"inode"`
	Mode        string  `json:"mode"`
	Flags       *uint32 `json:"flags"`
	Pos         *int64  `json:"pos"`
	MntID       *int    `json:"mnt_id"`
	Socket      *struct {
		Proto  string `json:"proto"`
		Local  string `json:"local"`
		Remote string `json:"remote"`
		State  string `json:"state"`
	} `json:"socket"`
}
