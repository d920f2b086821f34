package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/internal/cli/clitest"
	"github.com/procscope/procscope/internal/fixtures"
	"github.com/procscope/procscope/proctest"
)

// fixturePID returns the tree-basic fixture and the pid its goldens start
// at.
func fixturePID(t *testing.T) (dir, pid string) {
	t.Helper()
	dir = fixtures.Dir(t, "tree-basic")
	b, err := os.ReadFile(filepath.Join(dir, "pstree.pid"))
	if err != nil {
		t.Fatal(err)
	}
	return dir, strings.TrimSpace(string(b))
}

// runJSON returns the output of pstree -json on the fixture.
func runJSON(t *testing.T) []byte {
	t.Helper()
	dir, pid := fixturePID(t)
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-root", dir, "-json", pid}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v (stderr %q)", err, stderr.String())
	}
	return stdout.Bytes()
}

func TestRunMatchesPstreeGoldens(t *testing.T) {
	dir, pid := fixturePID(t)
	tests := []struct {
		golden  string
		columns string
		args    []string
	}{
		{"pstree-pA.golden", "132", nil},
		{"pstree-pU.golden", "132", []string{"-U"}},
		{"pstree-pTA.golden", "132", []string{"-T"}},
		{"pstree-A.golden", "132", []string{"-compact"}},
		{"pstree-U.golden", "0x84", []string{"-compact", "-U"}}, // 132, as strtol reads it
		// -c disables compaction, as pstree -c does: the pid form is
		// already uncompacted, so -c changes nothing.
		{"pstree-pA.golden", "132", []string{"-c"}},
		{"pstree-pU.golden", "132", []string{"-c", "-U"}},
		{"pstree-pA-30.golden", "30", nil},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			t.Setenv("COLUMNS", tt.columns)
			want, err := os.ReadFile(filepath.Join(dir, tt.golden))
			if err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			args := append([]string{"-root", dir}, tt.args...)
			if err := run(append(args, pid), &stdout, &stderr); err != nil {
				t.Fatalf("run: %v (stderr %q)", err, stderr.String())
			}
			if diff := cmp.Diff(string(want), stdout.String()); diff != "" {
				t.Errorf("pstree %v (-golden +got):\n%s", tt.args, diff)
			}
		})
	}
}

type node struct {
	PID      int      `json:"pid"`
	Comm     string   `json:"comm"`
	Threads  []thread `json:"threads"`
	Children []node   `json:"children"`
}

type thread struct {
	TID  int    `json:"tid"`
	Comm string `json:"comm"`
}

func TestRunJSON(t *testing.T) {
	out := runJSON(t)
	var root node
	if err := json.Unmarshal(out, &root); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if root.Comm != "tt-root" || len(root.Children) != 6 || len(root.Threads) == 0 {
		t.Fatalf("root = %s %d children %d threads", root.Comm, len(root.Children), len(root.Threads))
	}
	var names []string
	for _, c := range root.Children {
		names = append(names, c.Comm)
	}
	want := []string{"Zed", "b) (x y", "mid", "mid", "threads", "\xc3\xa9\\t\x01z"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("children (-want +got):\n%s", diff)
	}
	// Thread names are each thread's own (Go runtime threads keep the name
	// the binary had when they started).
	for _, th := range root.Threads {
		if th.TID <= 0 || th.Comm == "" {
			t.Errorf("thread %+v", th)
		}
	}
	if !bytes.Contains(out, []byte(`"children": []`)) {
		t.Errorf("leaves should have \"children\": [], got:\n%s", out)
	}
}

func TestRunErrors(t *testing.T) {
	dir := fixtures.Dir(t, "tree-basic")
	for _, args := range [][]string{
		{"-root", dir, "424242"},
		{"-root", dir, "x"},
		{"-root", dir, "1", "2"},
		{"-root", filepath.Join(dir, "missing")},
		{"-nosuchflag"},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(args, &stdout, &stderr); err == nil {
			t.Errorf("run(%q) = nil error, want one", args)
		}
	}
}

func TestStrtol(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{{"80", 80, true}, {"0x50", 80, true}, {"010", 8, true}, {"+7", 7, true}, {"-3", -3, true}, {"8_0", 0, false}, {"80x", 0, false}, {"", 0, false}, {"0", 0, true}} {
		got, ok := strtol(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("strtol(%q) = %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestRunJSONGolden keeps the -json output of the fixture stable. Its golden
// is our own output, so -update (proctest's flag) may rewrite it; the pstree
// goldens are compared without proctest.Golden, so -update never touches them.
func TestRunJSONGolden(t *testing.T) {
	proctest.Golden(t, filepath.Join("testdata", "tree-basic.json.golden"), runJSON(t))
}

// TestBadRoot: a -root that does not exist, is a regular file or holds a
// garbage capture.json is a one-line error naming it (main exits 1).
func TestBadRoot(t *testing.T) {
	for what, dir := range clitest.BadRoots(t) {
		for _, args := range [][]string{{"-root", dir}} {
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

// startSiblings starts sh with two identical sleep children and returns
// sh's pid once both children exist.
func startSiblings(t *testing.T) string {
	t.Helper()
	sh := exec.Command("sh", "-c", "sleep 1000 & sleep 1000 & wait")
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Kill the sleeps (sh's children, from its children file), then sh.
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", sh.Process.Pid, sh.Process.Pid)); err == nil {
			for _, f := range strings.Fields(string(b)) {
				if pid, err := strconv.Atoi(f); err == nil {
					syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		}
		sh.Process.Kill()
		sh.Wait()
	})
	pid := strconv.Itoa(sh.Process.Pid)
	for range 500 {
		b, _ := os.ReadFile("/proc/" + pid + "/task/" + pid + "/children")
		if len(strings.Fields(string(b))) == 2 {
			return pid
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("sh did not start its two children")
	return ""
}

// TestCompactionFlagsMatchPstree: -c disables compaction as pstree -c does
// (it compacted before), -compact is plain pstree's merged form, and the two
// together are pstree -c without pids.
func TestCompactionFlagsMatchPstree(t *testing.T) {
	if _, err := exec.LookPath("pstree"); err != nil {
		t.Skip("pstree (psmisc) is not installed; it is the reference")
	}
	pid := startSiblings(t)
	t.Setenv("COLUMNS", "132")
	for _, tt := range []struct{ ours, real []string }{
		{[]string{"-c"}, []string{"-c", "-p", "-A"}},
		{[]string{"-compact", "-c"}, []string{"-c", "-A"}},
		{[]string{"-compact"}, []string{"-A"}},
		{[]string{"-compact", "-c", "-U"}, []string{"-c", "-U"}},
		// pstree's own spellings: grouped letters, -p, -A, the last of
		// -A and -U winning.
		{[]string{"-pA"}, []string{"-pA"}},
		{[]string{"-compact", "-p"}, []string{"-p", "-A"}},
		{[]string{"-U", "-A"}, []string{"-p", "-U", "-A"}},
		{[]string{"-A", "-U", "-p"}, []string{"-A", "-U", "-p"}},
		{[]string{"-sc", "-compact"}, []string{"-sc"}},
	} {
		want, err := exec.Command("pstree", append(tt.real, pid)...).Output()
		if err != nil {
			t.Fatalf("pstree %v: %v", tt.real, err)
		}
		var stdout, stderr bytes.Buffer
		if err := run(append(tt.ours, pid), &stdout, &stderr); err != nil {
			t.Fatalf("run(%v): %v (stderr %q)", tt.ours, err, stderr.String())
		}
		if diff := cmp.Diff(string(want), stdout.String()); diff != "" {
			t.Errorf("pstree %v vs ours %v (-pstree +ours):\n%s", tt.real, tt.ours, diff)
		}
		unmerged := slices.ContainsFunc(tt.ours, func(a string) bool { return a != "-compact" && strings.ContainsAny(a, "cp") })
		if merged := strings.Contains(stdout.String(), "2*["); merged != (slices.Contains(tt.ours, "-compact") && !unmerged) {
			t.Errorf("ours %v: merged %v:\n%s", tt.ours, merged, stdout.String())
		}
	}
}
