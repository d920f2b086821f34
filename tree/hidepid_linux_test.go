//go:build linux

package tree_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/internal/testexe"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/tree"
)

// The hidepid test compares our rendering with real pstree on a /proc
// mounted hidepid=2 (in a private mount namespace, over /proc itself so
// that pstree reads it too), read as uid 65534. Root starts the shapes
// hidepid makes: a root shell (hidden) with two children of uid 65534
// (visible), and a process of uid 65534 whose parent exited (reparented to
// a hidden pid 1 or subreaper).
const (
	hidepidEnv = "TREE_TEST_HIDEPID" // "standin kid kid orphan" pids
	nobody     = "65534"
)

func TestHidepidMatchesPstree(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount proc and switch to uid 65534")
	}
	for _, tool := range []string{"unshare", "setpriv", "pstree"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (util-linux, psmisc)", tool)
		}
	}
	drop := []string{"setpriv", "--reuid=" + nobody, "--regid=" + nobody, "--clear-groups", "--"}

	// A hidden root shell whose two children run as nobody.
	sh := exec.Command("sh", "-c", strings.Join(drop, " ")+" sleep 1000 & "+strings.Join(drop, " ")+" sleep 1000 & wait")
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	shPID := sh.Process.Pid
	var kids []string
	t.Cleanup(func() {
		for _, k := range kids {
			if pid, err := strconv.Atoi(k); err == nil {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		sh.Process.Kill()
		sh.Wait()
	})
	// The children count once they have exec'd sleep as nobody (before the
	// exec, a process that changed its uid is not dumpable and hidepid
	// hides it even from its owner).
	for try := 0; ; try++ {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", shPID, shPID))
		kids = strings.Fields(string(b))
		ready := len(kids) == 2
		for _, k := range kids {
			comm, _ := os.ReadFile("/proc/" + k + "/comm")
			ready = ready && string(comm) == "sleep\n"
		}
		if ready {
			break
		}
		if try == 500 {
			t.Fatalf("the shell's children did not start: %q", kids)
		}
		time.Sleep(10 * time.Millisecond)
	}

	// An orphan of nobody: its shell prints its pid and exits.
	orph := exec.Command(drop[0], append(drop[1:], "sh", "-c", "sleep 1000 </dev/null >/dev/null 2>&1 & echo $!")...)
	out, err := orph.Output()
	if err != nil {
		t.Fatalf("orphan: %v", err)
	}
	orphan := strings.TrimSpace(string(out))
	if pid, err := strconv.Atoi(orphan); err != nil {
		t.Fatalf("orphan pid %q", out)
	} else {
		t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
	}

	bin := testexe.Public(t)
	dir := filepath.Dir(bin)
	args := []string{"unshare", "--mount", "--propagation", "private", "sh", "-c",
		`mount -t proc -o hidepid=2 proc /proc && exec "$@"`, "sh"}
	args = append(args, drop...)
	args = append(args, bin, "-test.run=^TestHidepidInside$", "-test.v")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir,
		hidepidEnv + "=" + strings.Join([]string{strconv.Itoa(shPID), kids[0], kids[1], orphan}, " ")}
	b, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(b, []byte("--- PASS: TestHidepidInside")) {
		t.Fatalf("TestHidepidInside as uid %s: %v\n%s", nobody, err, b)
	}
	t.Logf("%s", b)
}

func TestHidepidInside(t *testing.T) {
	env := strings.Fields(os.Getenv(hidepidEnv))
	if len(env) != 4 || os.Geteuid() == 0 {
		t.Skip("run by TestHidepidMatchesPstree as uid 65534")
	}
	standIn, kid, orphan := env[0], env[1], env[3]
	if _, err := os.Stat("/proc/1"); err == nil {
		t.Fatal("/proc/1 is visible: /proc is not mounted hidepid=2")
	}
	if _, err := os.Stat("/proc/" + standIn); err == nil {
		t.Fatalf("the root shell %s is visible", standIn)
	}
	for _, tt := range []struct {
		pid  string
		opts tree.RenderOptions
		args []string
	}{
		{standIn, tree.RenderOptions{}, []string{"-p", "-A"}},
		{standIn, tree.RenderOptions{Compact: true}, []string{"-A"}},
		{standIn, tree.RenderOptions{Compact: true, NoMerge: true}, []string{"-c", "-A"}},
		{standIn, tree.RenderOptions{Parents: true}, []string{"-s", "-p", "-A"}},
		{kid, tree.RenderOptions{Parents: true}, []string{"-s", "-p", "-A"}},
		{kid, tree.RenderOptions{Parents: true, Compact: true}, []string{"-s", "-A"}},
		{kid, tree.RenderOptions{}, []string{"-p", "-A"}},
		{orphan, tree.RenderOptions{Parents: true}, []string{"-s", "-p", "-A"}},
		{orphan, tree.RenderOptions{Parents: true, Unicode: true}, []string{"-s", "-p", "-U"}},
	} {
		pid, _ := strconv.Atoi(tt.pid)
		args := append(tt.args, tt.pid)
		var want, got []byte
		for try := 0; try < 3; try++ {
			cmd := exec.Command("pstree", args...)
			cmd.Env = append(os.Environ(), "COLUMNS=132")
			var err error
			if want, err = cmd.Output(); err != nil {
				t.Fatalf("pstree %v: %v", args, err)
			}
			s, err := tree.Scan(context.Background(), proc.Default(), &tree.Options{Threads: true})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := s.Render(&buf, pid, &tt.opts); err != nil {
				for _, r := range s.Roots() {
					t.Logf("root %d %q ppid %d orphan %v", r.PID, r.Comm, r.PPID, r.Orphan)
				}
				t.Errorf("Render(%d, %+v): %v; pstree %v printed:\n%s", pid, tt.opts, err, args, want)
				break
			}
			if got = buf.Bytes(); bytes.Equal(got, want) {
				break
			}
		}
		if !bytes.Equal(got, want) {
			t.Errorf("Render(%d, %+v) differs from pstree %v (-pstree +ours):\n%s", pid, tt.opts, args, cmp.Diff(string(want), string(got)))
		} else {
			t.Logf("pstree %v:\n%s", args, want)
		}
	}
}
