//go:build linux

package tree_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/tree"
)

// testTree is the subtree the live tests hold still: children and
// grandchildren, identical siblings (for compaction), a multi-threaded
// child, and comms with spaces, ')', non-ASCII and control bytes.
var testTree = &spec{Comm: "tt-root", Kids: []*spec{
	{Comm: "mid", Kids: []*spec{{Comm: "leaf"}, {Comm: "leaf"}}},
	{Comm: "mid", Kids: []*spec{{Comm: "leaf"}, {Comm: "leaf"}}},
	{Comm: "b) (x y"},
	{Comm: "threads", Threads: 3},
	{Comm: "\xc3\xa9\\t\x01z"},
	{Comm: "Zed", Kids: []*spec{{Comm: "deep", Kids: []*spec{{Comm: "deeper"}}}}},
}}

func pstreePath(tb testing.TB) string {
	tb.Helper()
	p, err := exec.LookPath("pstree")
	if err != nil {
		tb.Skip("pstree (psmisc) is not installed; it is the reference these tests compare with")
	}
	return p
}

// realPstree runs pstree with a fixed COLUMNS.
func realPstree(tb testing.TB, columns int, args ...string) []byte {
	tb.Helper()
	cmd := exec.Command(pstreePath(tb), args...)
	cmd.Env = append(os.Environ(), "COLUMNS="+strconv.Itoa(columns))
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("pstree %v: %v", args, err)
	}
	return out
}

func TestRenderMatchesPstreeLive(t *testing.T) {
	pstreePath(t)
	root := startTree(t, testTree)
	pid := strconv.Itoa(root)
	tests := []struct {
		name    string
		columns int
		opts    tree.RenderOptions
		args    []string
	}{
		{"p-A", 132, tree.RenderOptions{}, []string{"-p", "-A", pid}},
		{"p-U", 132, tree.RenderOptions{Unicode: true}, []string{"-p", "-U", pid}},
		{"p-T", 132, tree.RenderOptions{HideThreads: true}, []string{"-p", "-T", "-A", pid}},
		{"compact", 132, tree.RenderOptions{Compact: true}, []string{"-A", pid}},
		{"compact-U", 132, tree.RenderOptions{Compact: true, Unicode: true}, []string{"-U", pid}},
		{"compact-T", 132, tree.RenderOptions{Compact: true, HideThreads: true}, []string{"-T", "-A", pid}},
		{"c", 132, tree.RenderOptions{Compact: true, NoMerge: true}, []string{"-c", "-A", pid}},
		{"c-U-T", 132, tree.RenderOptions{Compact: true, NoMerge: true, Unicode: true, HideThreads: true}, []string{"-c", "-U", "-T", pid}},
		{"c-p", 132, tree.RenderOptions{NoMerge: true}, []string{"-c", "-p", "-A", pid}},
		{"s", 132, tree.RenderOptions{Parents: true}, []string{"-s", "-p", "-A", pid}},
		{"s-c", 132, tree.RenderOptions{Parents: true, Compact: true, NoMerge: true}, []string{"-s", "-c", "-A", pid}},
		{"s-compact", 132, tree.RenderOptions{Parents: true, Compact: true}, []string{"-s", "-A", pid}},
		{"width-30", 30, tree.RenderOptions{Width: 30}, []string{"-p", "-A", pid}},
		{"width-30-U", 30, tree.RenderOptions{Width: 30, Unicode: true}, []string{"-p", "-U", pid}},
		{"width-17", 17, tree.RenderOptions{Width: 17}, []string{"-p", "-A", pid}},
		{"width-40-compact", 40, tree.RenderOptions{Width: 40, Compact: true}, []string{"-A", pid}},
	}
	// Cuts at every column of the first lines, through multi-byte line
	// drawing and escaped names.
	for w := 8; w <= 26; w++ {
		tests = append(tests, struct {
			name    string
			columns int
			opts    tree.RenderOptions
			args    []string
		}{"width-U-" + strconv.Itoa(w), w, tree.RenderOptions{Width: w, Unicode: true, Compact: w%2 == 0}, map[bool][]string{true: {"-U", pid}, false: {"-U", "-p", pid}}[w%2 == 0]})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The helpers are idle, but the Go runtime may still add a
			// thread now and then: retry a few times before failing.
			var want, got []byte
			for try := 0; try < 5; try++ {
				if try > 0 {
					time.Sleep(200 * time.Millisecond)
				}
				want = realPstree(t, tt.columns, tt.args...)
				s, err := tree.Scan(context.Background(), proc.Default(), &tree.Options{Threads: true})
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := s.Render(&buf, root, &tt.opts); err != nil {
					t.Fatal(err)
				}
				got = buf.Bytes()
				if bytes.Equal(got, want) {
					return
				}
			}
			t.Errorf("Render(%+v) differs from pstree %v (-pstree +ours):\n%s", tt.opts, tt.args, cmp.Diff(string(want), string(got)))
		})
	}
}

func TestLiveSubtreeQueries(t *testing.T) {
	root := startTree(t, testTree)
	s, err := tree.Scan(context.Background(), proc.Default(), &tree.Options{Threads: true})
	if err != nil {
		t.Fatal(err)
	}
	n := s.Node(root)
	if n == nil {
		t.Fatalf("Node(%d) = nil", root)
	}
	if n.Comm != "tt-root" || n.Parent() == nil || n.Parent().PID != os.Getpid() {
		t.Fatalf("root helper = %+v, parent %v; want comm tt-root under pid %d", n, n.Parent(), os.Getpid())
	}
	var comms []string
	for _, c := range n.Children() {
		comms = append(comms, c.Comm)
	}
	want := []string{"Zed", "b) (x y", "mid", "mid", "threads", "\xc3\xa9\\t\x01z"}
	if diff := cmp.Diff(want, comms); diff != "" {
		t.Errorf("children in pstree order (-want +got):\n%s", diff)
	}
	byPID := n.ChildrenByPID()
	for i := 1; i < len(byPID); i++ {
		if byPID[i-1].PID >= byPID[i].PID {
			t.Errorf("ChildrenByPID not in pid order: %d before %d", byPID[i-1].PID, byPID[i].PID)
		}
	}
	count := 0
	for d := range n.Descendants() {
		count++
		if d.Kernel {
			t.Errorf("helper %d marked as a kernel thread", d.PID)
		}
	}
	if count != 12 {
		t.Errorf("Descendants() yielded %d processes, want 12", count)
	}
	for _, c := range n.Children() {
		if c.Comm == "threads" && len(c.Threads) < 3 {
			t.Errorf("threads helper lists %d threads, want at least 3", len(c.Threads))
		}
	}
	for d := range n.Descendants() {
		if d.Comm != "deeper" {
			continue
		}
		a := d.Ancestors()
		if len(a) < 4 || a[0].Comm != "deep" || a[1].Comm != "Zed" || a[2].Comm != "tt-root" || a[3].PID != os.Getpid() {
			t.Errorf("Ancestors of deeper = %v", a)
		}
		if a[len(a)-1].Parent() != nil {
			t.Errorf("last ancestor %d has a parent", a[len(a)-1].PID)
		}
	}
	if k := s.Node(2); k != nil && !k.Kernel {
		t.Errorf("kthreadd (pid 2) not marked as a kernel thread")
	}
}
