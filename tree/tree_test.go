package tree

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/internal/countfs"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
)

// statLine makes a stat line with the fields the tree reads.
func statLine(pid int, comm string, ppid int, flags uint32, threads int, start uint64) string {
	return fmt.Sprintf("%d (%s) S %d %d %d 0 -1 %d 0 0 0 0 0 0 0 0 20 0 %d 0 %d 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n",
		pid, comm, ppid, pid, pid, flags, threads, start)
}

func mapFS(procs ...string) fstest.MapFS {
	m := fstest.MapFS{}
	for _, line := range procs {
		var pid int
		fmt.Sscan(line, &pid)
		m[fmt.Sprintf("%d/stat", pid)] = &fstest.MapFile{Data: []byte(line)}
	}
	return m
}

func TestScanEdgeCases(t *testing.T) {
	tr := proctest.Tree{Processes: []proctest.Process{
		{PID: 1, Comm: "init", StartTime: 10},
		{PID: 2, Comm: "kthreadd", KernelThread: true, StartTime: 10},
		{PID: 3, PPID: 2, Comm: "kworker/0:0", KernelThread: true, StartTime: 11},
		{PID: 10, PPID: 1, Comm: "a) (b", StartTime: 20,
			Threads: []proctest.Thread{{TID: 14, Comm: "worker"}, {TID: 15, Comm: "io"}}},
		{PID: 11, PPID: 99, Comm: "orphan", StartTime: 30}, // parent 99 is absent
		{PID: 12, PPID: 13, Comm: "reused-parent", StartTime: 40},
		{PID: 13, PPID: 1, Comm: "young", StartTime: 50}, // started after its "child" 12: a reused pid
		{PID: 20, Comm: "nsinit", StartTime: 60},
		{PID: 30, Gone: true}, // listed, but exited before its stat was read
		{PID: 31, Files: map[string]string{"stat": "31 (bad"}},
		{PID: 32, Comm: "secret", PPID: 1, StartTime: 70, Refused: []string{"stat"}},
	}}
	fsys := tr.FS(t)

	s, err := Scan(context.Background(), fsys, &Options{ThreadNames: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Len(); got != 8 {
		t.Errorf("Len() = %d, want 8", got)
	}
	if got := s.NumThreads(); got != 2 {
		t.Errorf("NumThreads() = %d, want 2", got)
	}
	fails := s.Failures()
	if len(fails) != 3 || fails[0].PID != 30 || !errors.Is(fails[0], fs.ErrNotExist) ||
		fails[1].PID != 31 || !errors.Is(fails[1], proc.ErrParse) || fails[2].PID != 32 || !errors.Is(fails[2], fs.ErrPermission) {
		t.Errorf("Failures() = %v, want 30 gone, a parse error for 31 and a permission error for 32", fails)
	}
	if s.Node(30) != nil || s.Node(31) != nil || s.Node(32) != nil {
		t.Errorf("unreadable or vanished processes are in the snapshot")
	}
	var roots []int
	for _, r := range s.Roots() {
		roots = append(roots, r.PID)
	}
	if diff := cmp.Diff([]int{1, 2, 20}, roots); diff != "" {
		t.Errorf("Roots() (-want +got):\n%s", diff)
	}
	if !s.Node(3).KernelThread || !s.Node(2).KernelThread || s.Node(1).KernelThread {
		t.Errorf("kernel threads not marked")
	}
	for _, tt := range []struct {
		pid    int
		orphan bool
		parent int
	}{{11, true, 1}, {12, true, 1}, {13, false, 1}, {10, false, 1}, {3, false, 2}} {
		n := s.Node(tt.pid)
		if n.Orphan != tt.orphan || n.Parent().PID != tt.parent {
			t.Errorf("pid %d: Orphan %v parent %d, want %v %d", tt.pid, n.Orphan, n.Parent().PID, tt.orphan, tt.parent)
		}
	}
	wantThreads := []Thread{{14, "worker"}, {15, "io"}}
	if diff := cmp.Diff(wantThreads, s.Node(10).Threads); diff != "" {
		t.Errorf("threads of 10 (-want +got):\n%s", diff)
	}

	// Orphans hang under "?(ppid)" stand-ins, the one created last (for
	// the higher orphan pid) first, as pstree prints them; threads with
	// their own names sort as "{name}". Unlike pstree, 12 is not shown under
	// 13, which started after it and so reuses the pid of its real parent.
	want := "" +
		"init(1)-+-?(13)---reused-parent(12)\n" +
		"        |-?(99)---orphan(11)\n" +
		"        |-a) (b(10)-+-{io}(15)\n" +
		"        |           `-{worker}(14)\n" +
		"        `-young(13)\n"
	if diff := cmp.Diff(want, render(t, s, 1, nil)); diff != "" {
		t.Errorf("Render(1) (-want +got):\n%s", diff)
	}
	want = "" +
		"?()-+-init(1)-+-?(13)---reused-parent(12)\n" +
		"    |         |-?(99)---orphan(11)\n" +
		"    |         |-a) (b(10)\n" +
		"    |         `-young(13)\n" +
		"    |-kthreadd(2)---kworker/0:0(3)\n" +
		"    `-nsinit(20)\n"
	if diff := cmp.Diff(want, render(t, s, 0, &RenderOptions{HideThreads: true})); diff != "" {
		t.Errorf("Render(0) (-want +got):\n%s", diff)
	}
	if err := s.Render(io.Discard, 777, nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Render(777) = %v, want fs.ErrNotExist", err)
	}
	// pstree -s prints pid 1's whole tree when the process is not below it.
	if got := render(t, s, 3, &RenderOptions{Parents: true}); !strings.HasPrefix(got, "init(1)-+-?(13)") {
		t.Errorf("Render(3, Parents) = %q, want pid 1's tree", got)
	}
	if got, want := render(t, s, 11, &RenderOptions{Parents: true}), "init(1)---?(99)---orphan(11)\n"; got != want {
		t.Errorf("Render(11, Parents) = %q, want %q", got, want)
	}
}

// render returns what s.Render writes, failing the test on an error.
func render(t *testing.T, s *Snapshot, pid int, opts *RenderOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Render(&buf, pid, opts); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// build links an in-memory tree; uid maps pid to owner.
func build(nodes []Node, uid map[int]uint32) *Snapshot {
	for i := range nodes {
		nodes[i].uid = uid[nodes[i].PID]
	}
	return link(nodes, nil)
}

func TestRenderLayout(t *testing.T) {
	th := func(tids ...int) []Thread {
		var ts []Thread
		for _, tid := range tids {
			ts = append(ts, Thread{TID: tid, Comm: "t"})
		}
		return ts
	}
	nodes := []Node{
		{PID: 1, Comm: "init"},
		{PID: 5, PPID: 1, Comm: "sh"},
		{PID: 6, PPID: 5, Comm: "bash"},
		{PID: 7, PPID: 5, Comm: "bash"},
		{PID: 8, PPID: 6, Comm: "sleep"},
		{PID: 9, PPID: 6, Comm: "tail"},
		{PID: 10, PPID: 7, Comm: "sleep"},
		{PID: 11, PPID: 7, Comm: "tail"},
		{PID: 12, PPID: 1, Comm: "~tilde"}, // sorts after "{" thread names
		{PID: 13, PPID: 1, Comm: "\xe2\x82\xac\x7f\\"},
		{PID: 20, PPID: 1, Comm: "same"},
		{PID: 21, PPID: 1, Comm: "same"},
		{PID: 22, PPID: 1, Comm: "same"},
	}
	nodes[0].Threads = th(2, 3)
	s := build(nodes, map[int]uint32{20: 1000, 21: 0, 22: 1000})
	tests := []struct {
		name string
		opts RenderOptions
		want string
	}{
		{"pids", RenderOptions{}, "" +
			"init(1)-+-same(21)\n" +
			"        |-same(20)\n" +
			"        |-same(22)\n" +
			"        |-sh(5)-+-bash(6)-+-sleep(8)\n" +
			"        |       |         `-tail(9)\n" +
			"        |       `-bash(7)-+-sleep(10)\n" +
			"        |                 `-tail(11)\n" +
			"        |-{t}(2)\n" +
			"        |-{t}(3)\n" +
			"        |-~tilde(12)\n" +
			"        `-\\342\\202\\254\\177\\\\(13)\n"},
		// Compaction prints the closing ']' on every line of a merged
		// subtree, as psmisc does.
		{"compact", RenderOptions{Compact: true, HideThreads: true}, "" +
			"init-+-3*[same]\n" +
			"     |-sh---2*[bash-+-sleep]\n" +
			"     |              `-tail]\n" +
			"     |-~tilde\n" +
			"     `-\\342\\202\\254\\177\\\\\n"},
		// A cut through a multi-byte character prints one '+' per byte, and
		// a node ending past the width prints none of its children.
		{"unicode", RenderOptions{Compact: true, Unicode: true, Width: 12}, "" +
			"init─┬─3*[s+\n" +
			"     ├─sh──+++\n" +
			"     ├─2*[{+\n" +
			"     ├─~til+\n" +
			"     └─\\342+\n"},
		{"cut-node", RenderOptions{Width: 8, HideThreads: true}, "init(1)+\n"},
		{"cut-branch", RenderOptions{Width: 10, HideThreads: true}, "" +
			"init(1)-++\n" +
			"        |+\n" +
			"        |+\n" +
			"        |+\n" +
			"        |+\n" +
			"        `+\n"},
		{"unlimited", RenderOptions{Width: -1, HideThreads: true, Parents: true}, "" +
			"init(1)-+-same(21)\n" +
			"        |-same(20)\n" +
			"        |-same(22)\n" +
			"        |-sh(5)-+-bash(6)-+-sleep(8)\n" +
			"        |       |         `-tail(9)\n" +
			"        |       `-bash(7)-+-sleep(10)\n" +
			"        |                 `-tail(11)\n" +
			"        |-~tilde(12)\n" +
			"        `-\\342\\202\\254\\177\\\\(13)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, render(t, s, 1, &tt.opts)); diff != "" {
				t.Errorf("Render(1, %+v) (-want +got):\n%s", tt.opts, diff)
			}
		})
	}
	if got, want := render(t, s, 10, &RenderOptions{Parents: true}), "init(1)---sh(5)---bash(7)---sleep(10)\n"; got != want {
		t.Errorf("Render(10, Parents) = %q, want %q", got, want)
	}
}

// TestRenderHiddenInit is a /proc mounted with hidepid=2 as seen by an
// unprivileged user: pid 1 and the user's session leader are hidden, and
// pstree prints "?(1)" above a stand-in for the missing parent.
func TestRenderHiddenInit(t *testing.T) {
	m := mapFS(
		statLine(345, "bash", 18894, 0, 1, 10),
		statLine(347, "sleep", 345, 0, 1, 11),
		statLine(349, "pstree", 345, 0, 1, 12),
		statLine(400, "other", 18000, 0, 1, 13),
	)
	s, err := Scan(context.Background(), proc.New(m), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Root() != nil || len(s.Roots()) != 2 || !s.Node(345).Orphan {
		t.Fatalf("Root() = %v, Roots() = %v; want no root and the orphans 345 and 400 as roots", s.Root(), s.Roots())
	}
	want := "" +
		"?(1)-+-?(18000)---other(400)\n" +
		"     `-?(18894)---bash(345)-+-pstree(349)\n" +
		"                            `-sleep(347)\n"
	if diff := cmp.Diff(want, render(t, s, 1, nil)); diff != "" {
		t.Errorf("Render(1) (-want +got):\n%s", diff)
	}
}

// TestRenderHidden: under hidepid, pstree draws a hidden parent of visible
// processes as "?(PID)" when asked for it by pid, and -s goes up through
// "?(PID)" lines to "?(1)"; orphans whose PPID is 1 hang right below "?(1)"
// (not below a second "?(1)"). The expected output is what psmisc 23.6
// printed for the same shape under a hidepid=2 /proc (see
// TestHidepidMatchesPstree for the live comparison).
func TestRenderHidden(t *testing.T) {
	m := mapFS(
		statLine(345, "bash", 18894, 0, 1, 10),
		statLine(347, "sleep", 345, 0, 1, 11),
		statLine(349, "pstree", 345, 0, 1, 12),
		statLine(400, "sleep", 1, 0, 1, 13),
		statLine(401, "sleep", 1, 0, 1, 14),
	)
	s, err := Scan(context.Background(), proc.New(m), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		pid  int
		opts RenderOptions
		want string
	}{
		{1, RenderOptions{}, "" +
			"?(1)-+-?(18894)---bash(345)-+-pstree(349)\n" +
			"     |                      `-sleep(347)\n" +
			"     |-sleep(400)\n" +
			"     `-sleep(401)\n"},
		{1, RenderOptions{Compact: true}, "" +
			"?-+-?---bash-+-pstree\n" +
			"  |          `-sleep\n" +
			"  `-2*[sleep]\n"},
		{1, RenderOptions{Parents: true}, "" +
			"?(1)-+-?(18894)---bash(345)-+-pstree(349)\n" +
			"     |                      `-sleep(347)\n" +
			"     |-sleep(400)\n" +
			"     `-sleep(401)\n"},
		{18894, RenderOptions{}, "" +
			"?(18894)---bash(345)-+-pstree(349)\n" +
			"                     `-sleep(347)\n"},
		{18894, RenderOptions{Parents: true}, "" +
			"?(1)---?(18894)---bash(345)-+-pstree(349)\n" +
			"                            `-sleep(347)\n"},
		{347, RenderOptions{Parents: true}, "?(1)---?(18894)---bash(345)---sleep(347)\n"},
		{347, RenderOptions{Parents: true, Compact: true}, "?---?---bash---sleep\n"},
		{345, RenderOptions{Parents: true}, "" +
			"?(1)---?(18894)---bash(345)-+-pstree(349)\n" +
			"                            `-sleep(347)\n"},
		{400, RenderOptions{Parents: true}, "?(1)---sleep(400)\n"},
	} {
		if diff := cmp.Diff(tt.want, render(t, s, tt.pid, &tt.opts)); diff != "" {
			t.Errorf("Render(%d, %+v) (-want +got):\n%s", tt.pid, tt.opts, diff)
		}
	}
	for _, pid := range []int{2, 99999} {
		for _, parents := range []bool{false, true} {
			if err := s.Render(io.Discard, pid, &RenderOptions{Parents: parents}); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Render(%d, Parents: %v) = %v, want fs.ErrNotExist (neither a process nor a parent of one)", pid, parents, err)
			}
		}
	}
}

// TestScanParentCycle: pids reused within one clock tick could make two
// processes each other's parent; the scan must still give a tree.
func TestScanParentCycle(t *testing.T) {
	m := mapFS(
		statLine(1, "init", 0, 0, 1, 1),
		statLine(10, "a", 11, 0, 1, 5),
		statLine(11, "b", 10, 0, 1, 5),
		statLine(12, "c", 11, 0, 1, 6),
	)
	s, err := Scan(context.Background(), proc.New(m), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "init(1)---?(11)---a(10)---b(11)---c(12)\n"
	if diff := cmp.Diff(want, render(t, s, 1, nil)); diff != "" {
		t.Errorf("Render(1) (-want +got):\n%s", diff)
	}
	if a := s.Node(12).Ancestors(); len(a) != 3 || a[2].PID != 1 {
		t.Errorf("Ancestors(12) = %v, want 11, 10, 1", a)
	}
}

// TestScanEmptyStat: a stat that reads empty (the process exited after
// the open) is a failure matching proc.ErrGone and fs.ErrNotExist, as the
// package docs promise.
func TestScanEmptyStat(t *testing.T) {
	m := mapFS(statLine(1, "init", 0, 0, 1, 1))
	m["5/stat"] = &fstest.MapFile{}
	s, err := Scan(context.Background(), proc.New(m), nil)
	if err != nil {
		t.Fatal(err)
	}
	f := s.Failures()
	if len(f) != 1 || f[0].PID != 5 || !errors.Is(f[0], proc.ErrGone) || !errors.Is(f[0], fs.ErrNotExist) || s.Node(5) != nil {
		t.Errorf("Failures() = %v; want pid 5 gone, matching proc.ErrGone and fs.ErrNotExist", f)
	}
}

// TestScanCancel: Scan stops before the next process once its context is
// done, and returns ctx.Err() with a snapshot of what it read; with a
// context done before it starts, it reads nothing.
func TestScanCancel(t *testing.T) {
	var lines []string
	for pid := 1; pid <= 10; pid++ {
		lines = append(lines, statLine(pid, "p", max(pid-1, 0), 0, 1, uint64(pid)))
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := countfs.New(mapFS(lines...))
	c.Hook = func(pid int) {
		if pid == 3 {
			cancel()
		}
	}
	s, err := Scan(ctx, proc.New(c), nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Scan(cancelled during pid 3) error = %v; want context.Canceled", err)
	}
	for pid, n := range c.Opens() {
		if pid > 3 {
			t.Errorf("pid %d read %d times after the cancel", pid, n)
		}
	}
	if s == nil || s.Len() != 3 || s.Node(3) == nil || s.Node(3).Parent() != s.Node(2) {
		t.Errorf("Scan(cancelled) = %v; want a snapshot of pids 1-3", s)
	}

	c = countfs.New(mapFS(lines...))
	s, err = Scan(ctx, proc.New(c), nil)
	if !errors.Is(err, context.Canceled) || len(c.Opens()) != 0 || c.Listed() != 0 || s == nil || s.Len() != 0 {
		t.Errorf("Scan(already cancelled) = %v, %v after %d listings, opens %v; want context.Canceled and nothing read", s, err, c.Listed(), c.Opens())
	}

	c = countfs.New(mapFS(lines...))
	s, err = Scan(context.Background(), proc.New(c), nil)
	if err != nil || len(c.Opens()) != 10 || s.Len() != 10 {
		t.Errorf("Scan(not cancelled) = %v, %v, opens %v; want all 10 read (the counter works)", s, err, c.Opens())
	}
}

// TestConcurrentUse: scans of one FS and renders of one snapshot may run
// in several goroutines at once (go test -race checks that nothing is
// written), and give the same output as one at a time.
func TestConcurrentUse(t *testing.T) {
	var lines []string
	for pid := 1; pid <= 20; pid++ {
		lines = append(lines, statLine(pid, "p"+strconv.Itoa(pid%3), (pid-1)/3, 0, 1, uint64(pid)))
	}
	fsys := proc.New(mapFS(lines...))
	s, err := Scan(context.Background(), fsys, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := render(t, s, 1, &RenderOptions{Compact: true})
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Go(func() {
			snap := s
			if i%2 == 1 {
				snap, _ = Scan(context.Background(), fsys, nil)
			}
			var buf bytes.Buffer
			snap.Render(&buf, 1, &RenderOptions{Compact: true})
			for range snap.Node(1).Walk() {
			}
			got[i] = buf.String()
		})
	}
	wg.Wait()
	for i, g := range got {
		if g != want {
			t.Errorf("goroutine %d rendered\n%s\nwant\n%s", i, g, want)
		}
	}
}
