//go:build linux

package tree_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/internal/fixtures"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
	"github.com/procscope/procscope/tree"
)

// goldens are the pstree runs recorded next to each tree-* fixture, with
// the options that must reproduce them. Their output came from the real
// pstree at capture time; nothing here ever rewrites them.
var goldens = []struct {
	file    string
	columns int
	args    []string // before the pid
	opts    tree.RenderOptions
}{
	{"pstree-pA.golden", 132, []string{"-p", "-A"}, tree.RenderOptions{}},
	{"pstree-pU.golden", 132, []string{"-p", "-U"}, tree.RenderOptions{Unicode: true}},
	{"pstree-pTA.golden", 132, []string{"-p", "-T", "-A"}, tree.RenderOptions{HideThreads: true}},
	{"pstree-A.golden", 132, []string{"-A"}, tree.RenderOptions{Compact: true}},
	{"pstree-U.golden", 132, []string{"-U"}, tree.RenderOptions{Compact: true, Unicode: true}},
	{"pstree-pA-30.golden", 30, []string{"-p", "-A"}, tree.RenderOptions{Width: 30}},
}

// TestFixtureGoldens renders each tree-* fixture and compares with the
// pstree output captured with it.
func TestFixtureGoldens(t *testing.T) {
	names, err := fixtures.Names()
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, name := range names {
		if !strings.HasPrefix(name, "tree-") {
			continue
		}
		found++
		dir := fixtures.Dir(t, name)
		b, err := os.ReadFile(filepath.Join(dir, "pstree.pid"))
		if err != nil {
			t.Fatal(err)
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		s, err := tree.Scan(context.Background(), proctest.Capture(t, dir), &tree.Options{Threads: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Failures()) != 0 {
			t.Errorf("%s: Scan failures %v", name, s.Failures())
		}
		for _, g := range goldens {
			t.Run(name+"/"+g.file, func(t *testing.T) {
				want, err := os.ReadFile(filepath.Join(dir, g.file))
				if err != nil {
					t.Fatal(err)
				}
				var got bytes.Buffer
				if err := s.Render(&got, pid, &g.opts); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(want), got.String()); diff != "" {
					t.Errorf("Render(%d, %+v) differs from %s (-pstree +ours):\n%s", pid, g.opts, g.file, diff)
				}
			})
		}
	}
	if found == 0 {
		t.Error("no tree-* fixtures found")
	}
}

// TestCaptureFixture writes a new tree-* fixture when TREE_CAPTURE_FIXTURE
// names its directory: it starts testTree with a minimal environment,
// captures it with proc.Capture and records the real pstree's output.
//
//	TREE_CAPTURE_FIXTURE=$PWD/internal/fixtures/testdata/tree-basic go test -run TestCaptureFixture ./tree/
func TestCaptureFixture(t *testing.T) {
	dir := os.Getenv("TREE_CAPTURE_FIXTURE")
	if dir == "" {
		t.Skip("set TREE_CAPTURE_FIXTURE=DIR to capture a fixture")
	}
	pstreePath(t)
	h, err := startHelper(testTree, []string{"PATH=/usr/bin:/bin", "GOMAXPROCS=1"})
	if err != nil {
		t.Fatal(err)
	}
	defer h.stop()
	root := h.cmd.Process.Pid
	pid := strconv.Itoa(root)
	record := func() map[string][]byte {
		out := map[string][]byte{}
		for _, g := range goldens {
			out[g.file] = realPstree(t, g.columns, append(g.args, pid)...)
		}
		return out
	}
	before := record()
	s, err := tree.Scan(context.Background(), proc.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, n := range s.Node(root).Walk() {
		pids = append(pids, n.PID)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := proc.Capture(dir, proc.Default(), pids, &proc.CaptureOptions{
		Command: []string{"go", "test", "-run", "TestCaptureFixture", "./tree/"},
		Note:    "tree: a held-still helper tree with pstree goldens",
	}); err != nil {
		t.Fatal(err)
	}
	after := record()
	if !cmp.Equal(before, after) {
		t.Fatalf("the tree changed during the capture; run again")
	}
	for f, b := range after {
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "pstree.pid"), []byte(fmt.Sprintln(root)), 0o644); err != nil {
		t.Fatal(err)
	}
}
