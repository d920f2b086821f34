//go:build linux

package main

import (
	"bytes"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/proc"
)

// TestCapturesReaders captures a stopped sleep with the program and reads
// each of the readers of cgroup, ns, mountinfo, attr, limits, statm, maps,
// io, oom_score_adj, loginuid and sessionid back from the capture, equal
// to the live process; smaps_rollup's Rss too.
func TestCapturesReaders(t *testing.T) {
	sleep := exec.Command("sleep", "1000")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sleep.Process.Kill(); sleep.Wait() })
	pid := sleep.Process.Pid
	sleep.Process.Signal(syscall.SIGSTOP)
	live := proc.Default().Process(pid)
	for range 500 {
		if st, err := live.Stat(); err == nil && st.State == proc.Stopped {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if err := run([]string{"-o", dir, strconv.Itoa(pid)}, &out, &errOut); err != nil {
		t.Fatalf("capture: %v\n%s", err, errOut.String())
	}
	fsys, err := proc.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	captured := fsys.Process(pid)
	read := func(p proc.Process) []any {
		var vals []any
		add := func(v any, err error) {
			if err != nil {
				t.Fatal(err)
			}
			vals = append(vals, v)
		}
		add(p.Cgroup())
		add(p.Namespaces())
		add(p.MountInfo())
		add(p.Attr())
		add(p.Limits())
		add(p.Statm())
		add(p.Maps())
		add(p.IO())
		add(p.OOMScoreAdj())
		add(p.LoginUID())
		add(p.SessionID())
		r, err := p.SmapsRollup()
		add(r.RSS, err)
		return vals
	}
	if diff := cmp.Diff(read(live), read(captured)); diff != "" {
		t.Errorf("readers on the capture differ from live (-live +capture):\n%s", diff)
	}
}
