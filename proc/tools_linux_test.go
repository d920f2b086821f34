package proc_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/internal/fixtures"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
	"github.com/prometheus/procfs"
)

// The tests in this file compare each reader with the tool users know for
// the same file, on live processes; each skips with a message when the
// tool is not installed (.ci/run installs it).

// tool returns the path of name, or skips the test.
func tool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed (Debian package %s): %v", name, pkg, err)
	}
	return p
}

// output runs a tool and returns its standard output.
func output(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("%s %s: %v %s", name, strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (to create cgroups and namespaces)")
	}
}

// joinCgroup places pid in a new cgroup named for the test under the
// hierarchy mounted at mnt, and returns the cgroup's path in the
// hierarchy. The cgroup is removed after the test, once the child is
// gone (cleanups run last-registered first: call this before starting
// the child's cleanup, and move the pid in with the returned func).
func newCgroup(t *testing.T, mnt string) (path string, join func(pid int)) {
	t.Helper()
	name := "procscope-test-" + strconv.Itoa(os.Getpid())
	dir := filepath.Join(mnt, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Skipf("cannot create a cgroup under %s: %v", mnt, err)
	}
	t.Cleanup(func() {
		if err := os.Remove(dir); err != nil {
			t.Errorf("remove cgroup: %v", err)
		}
	})
	return "/" + name, func(pid int) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0); err != nil {
			t.Fatalf("move %d to %s: %v", pid, dir, err)
		}
	}
}

// cgroupMount finds where the hierarchy with the controller ctl (or the v2
// hierarchy, for ctl "") is mounted, from this process's mountinfo.
func cgroupMount(t *testing.T, ctl string) string {
	t.Helper()
	ms, err := proc.Default().Process(os.Getpid()).MountInfo()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if ctl == "" && m.FSType == "cgroup2" || ctl != "" && m.FSType == "cgroup" && slices.Contains(m.SuperOptions, ctl) {
			return m.MountPoint
		}
	}
	t.Skipf("no cgroup hierarchy %q mounted", ctl)
	return ""
}

// checkPsCgroup compares the output of ps -o cgroup= with cgs.
func checkPsCgroup(t *testing.T, what, out string, cgs []proc.Cgroup) {
	t.Helper()
	if got, want := psCgroup(cgs), strings.TrimSpace(out); got != want {
		t.Errorf("%s: Cgroup() as ps shows it = %q; ps -o cgroup = %q", what, got, want)
	}
}

// checkPsLabel compares the output of ps -o label= with a: ps reads
// attr/current and prints "-" when it cannot.
func checkPsLabel(t *testing.T, what, out string, a proc.Attr) {
	t.Helper()
	got := a.Label
	if a.LSM == proc.LSMNone {
		got = "-"
	}
	if want := strings.TrimSpace(out); got != want {
		t.Errorf("%s: Attr() = %+v; ps -o label = %q", what, a, want)
	}
}

// checkLsns compares the JSON of lsns -J -o NS,TYPE with nss.
func checkLsns(t *testing.T, what, js string, nss []proc.Namespace) {
	t.Helper()
	var out struct {
		Namespaces []struct {
			NS   uint64 `json:"ns"`
			Type string `json:"type"`
		} `json:"namespaces"`
	}
	if err := json.Unmarshal([]byte(js), &out); err != nil {
		t.Fatal(err)
	}
	want := map[string]uint64{}
	for _, n := range out.Namespaces {
		want[n.Type] = n.NS
	}
	got := map[string]uint64{}
	for _, n := range nss {
		if n.Name == n.Type { // lsns leaves out the *_for_children links
			got[n.Type] = n.Inode
		}
	}
	if diff := cmp.Diff(want, got); diff != "" || len(want) == 0 {
		t.Errorf("%s: Namespaces() differ from lsns -p (-lsns +got):\n%s", what, diff)
	}
}

const findmntColumns = "ID,PARENT,MAJ:MIN,FSROOT,TARGET,FSTYPE,VFS-OPTIONS,FS-OPTIONS,PROPAGATION"

// checkFindmnt compares the JSON of findmnt -N PID -l -J -o findmntColumns
// with ms.
func checkFindmnt(t *testing.T, what, js string, ms []proc.Mount) {
	t.Helper()
	type row struct {
		ID          int    `json:"id"`
		Parent      int    `json:"parent"`
		MajMin      string `json:"maj:min"`
		FSRoot      string `json:"fsroot"`
		Target      string `json:"target"`
		FSType      string `json:"fstype"`
		VFSOptions  string `json:"vfs-options"`
		FSOptions   string `json:"fs-options"`
		Propagation string `json:"propagation"`
	}
	var out struct {
		Filesystems []row `json:"filesystems"`
	}
	if err := json.Unmarshal([]byte(js), &out); err != nil {
		t.Fatal(err)
	}
	var got []row
	for _, m := range ms {
		got = append(got, row{ID: m.ID, Parent: m.ParentID, MajMin: fmt.Sprintf("%d:%d", m.Major, m.Minor),
			FSRoot: m.Root, Target: m.MountPoint, FSType: m.FSType, VFSOptions: strings.Join(m.Options, ","),
			FSOptions: strings.Join(m.SuperOptions, ","), Propagation: propagation(m.Optional)})
	}
	if diff := cmp.Diff(out.Filesystems, got); diff != "" || len(got) == 0 {
		t.Errorf("%s: MountInfo() differs from findmnt -N (-findmnt +got):\n%s", what, diff)
	}
}

// psCgroup is what ps -o cgroup prints for the lines: procps leaves out
// the lines whose path ends in "/" and joins the others with ",".
func psCgroup(cgs []proc.Cgroup) string {
	var parts []string
	for _, c := range cgs {
		if strings.HasSuffix(c.Path, "/") {
			continue
		}
		parts = append(parts, strconv.Itoa(c.HierarchyID)+":"+strings.Join(c.Controllers, ",")+":"+c.Path)
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ",")
}

func TestCgroupAgreesWithPs(t *testing.T) {
	ps := tool(t, "ps", "procps")
	needRoot(t)
	v2Path, joinV2 := newCgroup(t, cgroupMount(t, ""))
	v1Path, joinV1 := newCgroup(t, cgroupMount(t, "pids"))
	cmd := startChild(t, t.TempDir(), "-test.run=^$")
	pid := cmd.Process.Pid
	joinV2(pid)
	joinV1(pid)
	cgs, err := proc.Default().Process(pid).Cgroup()
	if err != nil {
		t.Fatal(err)
	}
	var sawV1, sawV2 bool
	for _, c := range cgs {
		switch {
		case c.V2():
			sawV2 = c.Path == v2Path
		case slices.Contains(c.Controllers, "pids"):
			sawV1 = c.Path == v1Path
		}
	}
	if !sawV1 || !sawV2 {
		t.Errorf("Cgroup() = %+v; want the v2 line at %s and the pids line at %s", cgs, v2Path, v1Path)
	}
	for _, pid := range []int{pid, os.Getpid(), 1} {
		cgs, err := proc.Default().Process(pid).Cgroup()
		if err != nil {
			t.Fatal(err)
		}
		checkPsCgroup(t, fmt.Sprintf("pid %d", pid), output(t, ps, "-o", "cgroup=", "-p", strconv.Itoa(pid)), cgs)
	}
}

func TestNamespacesAgreeWithLsns(t *testing.T) {
	lsns := tool(t, "lsns", "util-linux")
	needRoot(t)
	cmd := startChildWith(t, t.TempDir(), &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC | syscall.CLONE_NEWNET}, "-test.run=^$")
	self, err := proc.Default().Process(os.Getpid()).Namespaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, pid := range []int{cmd.Process.Pid, os.Getpid()} {
		nss, err := proc.Default().Process(pid).Namespaces()
		if err != nil {
			t.Fatal(err)
		}
		checkLsns(t, fmt.Sprintf("pid %d", pid), output(t, lsns, "-p", strconv.Itoa(pid), "-J", "-o", "NS,TYPE"), nss)
		if pid == cmd.Process.Pid {
			for i, n := range nss {
				same := n.Inode == self[i].Inode
				if n.Name != self[i].Name || same != (n.Type != "uts" && n.Type != "ipc" && n.Type != "net") {
					t.Errorf("child %s %d, parent %s %d: only uts, ipc and net should differ", n.Name, n.Inode, self[i].Name, self[i].Inode)
				}
			}
		}
	}
}

func TestMountInfoAgreesWithFindmnt(t *testing.T) {
	findmnt := tool(t, "findmnt", "util-linux")
	unshare := tool(t, "unshare", "util-linux")
	needRoot(t)
	// A process in its own mount namespace with a tmpfs whose mount point
	// and source need the kernel's escapes.
	target := filepath.Join(t.TempDir(), "a b\\c\td")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(unshare, "-m", "--propagation", "private", "sh", "-c",
		`mount -t tmpfs -o size=1m "src x" "$0" && echo ready && exec sleep 1000`, target)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	buf := make([]byte, 6)
	if _, err := stdout.Read(buf); err != nil || string(buf) != "ready\n" {
		t.Fatalf("unshare did not start: %q, %v", buf, err)
	}
	for _, pid := range []int{cmd.Process.Pid, os.Getpid()} {
		ms, err := proc.Default().Process(pid).MountInfo()
		if err != nil {
			t.Fatal(err)
		}
		js := output(t, findmnt, "-N", strconv.Itoa(pid), "-l", "-J", "-o", findmntColumns)
		checkFindmnt(t, fmt.Sprintf("pid %d", pid), js, ms)
		sawTarget := false
		for _, m := range ms {
			sawTarget = sawTarget || m.MountPoint == target && m.Source == "src x" && m.FSType == "tmpfs"
		}
		if pid == cmd.Process.Pid && !sawTarget {
			t.Errorf("MountInfo() of the unshared process has no tmpfs \"src x\" at %q", target)
		}
	}
}

// propagation is findmnt's PROPAGATION column for a mount's optional fields.
func propagation(optional []string) string {
	var p []string
	for _, o := range optional {
		switch {
		case strings.HasPrefix(o, "shared:"):
			p = append(p, "shared")
		case strings.HasPrefix(o, "master:"):
			p = append(p, "slave")
		case o == "unbindable":
			p = append(p, "unbindable")
		}
	}
	if len(p) == 0 {
		return "private"
	}
	return strings.Join(p, ",")
}

func TestAttrAgreesWithPs(t *testing.T) {
	ps := tool(t, "ps", "procps")
	cmd := startChild(t, t.TempDir(), "-test.run=^$")
	for _, pid := range []int{cmd.Process.Pid, os.Getpid(), 1} {
		a, err := proc.Default().Process(pid).Attr()
		if err != nil {
			t.Fatal(err)
		}
		checkPsLabel(t, fmt.Sprintf("pid %d", pid), output(t, ps, "-o", "label=", "-p", strconv.Itoa(pid)), a)
	}
}

// checkPrlimit compares the output of prlimit -o RESOURCE,SOFT,HARD
// --noheadings --raw with ls.
func checkPrlimit(t *testing.T, what, out string, ls []proc.Limit) {
	t.Helper()
	want := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("prlimit line %q", line)
		}
		want[f[0]] = f[1] + " " + f[2]
	}
	value := func(v uint64) string {
		if v == proc.Unlimited {
			return "unlimited"
		}
		return strconv.FormatUint(v, 10)
	}
	got := map[string]string{}
	for _, l := range ls {
		got[l.Resource.String()] = value(l.Soft) + " " + value(l.Hard)
	}
	if diff := cmp.Diff(want, got); diff != "" || len(got) != 16 {
		t.Errorf("%s: Limits() differ from prlimit (-prlimit +got):\n%s", what, diff)
	}
}

// checkPsMemory compares the output of ps -o rss=,vsz= (KiB) with statm
// (pages of pageSize bytes), exactly: both come from the same counters.
func checkPsMemory(t *testing.T, what, out string, s proc.Statm, pageSize uint64) {
	t.Helper()
	f := strings.Fields(out)
	if len(f) < 2 {
		t.Fatalf("ps output %q", out)
	}
	if got := []string{strconv.FormatUint(s.Resident*pageSize/1024, 10), strconv.FormatUint(s.Size*pageSize/1024, 10)}; got[0] != f[0] || got[1] != f[1] {
		t.Errorf("%s: Statm() gives rss, vsz = %v KiB; ps -o rss,vsz = %v", what, got, f[:2])
	}
}

// checkRollup compares smaps_rollup's Rss, a walk of the page tables,
// with ps -o rss=, from the mm's counters: they agree up to the counters'
// per-CPU batching (64 pages a CPU at most), so allow that much.
func checkRollup(t *testing.T, what, out string, r proc.SmapsRollup) {
	t.Helper()
	f := strings.Fields(out)
	rss, err := strconv.ParseUint(f[0], 10, 64)
	if err != nil {
		t.Fatalf("ps output %q", out)
	}
	got := r.Rss / 1024
	if diff := int64(got) - int64(rss); r.Rss == 0 || diff < -256 || diff > 256 {
		t.Errorf("%s: SmapsRollup().Rss = %d KiB; ps -o rss = %d KiB", what, got, rss)
	}
}

// checkPmap compares the output of pmap -X -p (its address, perm, offset,
// device, inode, size and mapping columns) with ms.
func checkPmap(t *testing.T, what, out string, ms []proc.Map) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) < 3 {
		t.Fatalf("pmap output %q", out)
	}
	header := strings.Fields(lines[1])
	if len(header) < 7 || header[0] != "Address" || header[len(header)-1] != "Mapping" {
		t.Fatalf("pmap header %q", lines[1])
	}
	var want []string
	for _, line := range lines[2:] {
		f := strings.Fields(line)
		if len(f) < len(header)-1 || strings.HasPrefix(f[0], "=") {
			continue // the totals
		}
		mapping := strings.Join(f[len(header)-1:], " ")
		addr, err := strconv.ParseUint(f[0], 16, 64) // zero-padded to 16 digits for some
		if err != nil {
			t.Fatalf("pmap line %q", line)
		}
		f[0] = strconv.FormatUint(addr, 16)
		want = append(want, strings.Join(append(f[:6:6], mapping), " "))
	}
	var got []string
	for _, m := range ms {
		got = append(got, fmt.Sprintf("%x %s %08x %02x:%02x %d %d %s", m.Start, m.Perms, m.Offset, m.Major, m.Minor, m.Inode, m.Size()/1024, m.Path))
	}
	if diff := cmp.Diff(want, got); diff != "" || len(got) == 0 {
		t.Errorf("%s: Maps() differ from pmap -X (-pmap +got):\n%s", what, diff)
	}
}

// checkChoom compares the output of choom -p with the oom_score_adj n.
func checkChoom(t *testing.T, what, out string, n int) {
	t.Helper()
	want := ""
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line[strings.Index(line, "current")+1:], "urrent OOM score adjust value: "); ok {
			want = v
		}
	}
	if got := strconv.Itoa(n); got != want {
		t.Errorf("%s: OOMScoreAdj() = %s; choom -p says %q", what, got, want)
	}
}

// stopped starts a child and stops it, so that its memory holds still.
func stopped(t *testing.T) proc.Process {
	t.Helper()
	cmd := startChild(t, t.TempDir(), "-test.run=^$")
	if err := cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	p := proc.Default().Process(cmd.Process.Pid)
	proctest.WaitStopped(t, p)
	return p
}

func TestLimitsAgreeWithPrlimit(t *testing.T) {
	prlimit := tool(t, "prlimit", "util-linux")
	p := stopped(t)
	pid := strconv.Itoa(p.PID)
	// Lower two limits, one soft only, so that the values are not all
	// the defaults; unlimited ones stay (RTTIME, AS...).
	output(t, prlimit, "--pid", pid, "--nofile=1000:2000", "--core=0:")
	ls, err := p.Limits()
	if err != nil {
		t.Fatal(err)
	}
	checkPrlimit(t, "child", output(t, prlimit, "-p", pid, "-o", "RESOURCE,SOFT,HARD", "--noheadings", "--raw"), ls)
	if l := ls[proc.RLimitNoFile]; l.Soft != 1000 || l.Hard != 2000 || l.Unit != "files" {
		t.Errorf("NOFILE = %+v; want 1000:2000 files", l)
	}
}

func TestMemoryAgreesWithPsAndPmap(t *testing.T) {
	ps := tool(t, "ps", "procps")
	pmap := tool(t, "pmap", "procps")
	p := stopped(t)
	pid := strconv.Itoa(p.PID)
	s, err := p.Statm()
	if err != nil {
		t.Fatal(err)
	}
	out := output(t, ps, "-o", "rss=,vsz=", "-p", pid)
	checkPsMemory(t, "child", out, s, uint64(os.Getpagesize()))
	r, err := p.SmapsRollup()
	if err != nil {
		t.Fatal(err)
	}
	checkRollup(t, "child", out, r)
	ms, err := p.Maps()
	if err != nil {
		t.Fatal(err)
	}
	checkPmap(t, "child", output(t, pmap, "-X", "-p", pid), ms)
	// A kernel thread has no memory: its smaps_rollup says ESRCH, which
	// must not read as "gone".
	if _, err := proc.Default().Process(2).SmapsRollup(); !errors.Is(err, proc.ErrNoAddressSpace) || errors.Is(err, proc.ErrGone) {
		t.Errorf("SmapsRollup of kthreadd: %v; want ErrNoAddressSpace, not ErrGone", err)
	}
}

func TestIOAgreesWithProcfs(t *testing.T) {
	// No command-line tool prints /proc/PID/io as it is (iotop and pidstat
	// show rates); prometheus/procfs's reader, which the node and process
	// exporters use, is the reference.
	p := stopped(t)
	got, err := p.IO()
	if err != nil {
		t.Fatal(err)
	}
	fs, err := procfs.NewFS("/proc")
	if err != nil {
		t.Fatal(err)
	}
	pp, err := fs.Proc(p.PID)
	if err != nil {
		t.Fatal(err)
	}
	want, err := pp.IO()
	if err != nil {
		t.Fatal(err)
	}
	if got.RChar != want.RChar || got.WChar != want.WChar || got.SyscR != want.SyscR || got.SyscW != want.SyscW ||
		got.ReadBytes != want.ReadBytes || got.WriteBytes != want.WriteBytes || int64(got.CancelledWriteBytes) != want.CancelledWriteBytes {
		t.Errorf("IO() = %+v; procfs = %+v", got, want)
	}
	if got.RChar == 0 || got.SyscR == 0 {
		t.Errorf("IO() = %+v; want the reads of a started Go program counted", got)
	}
}

func TestOOMScoreAdjAgreesWithChoom(t *testing.T) {
	choom := tool(t, "choom", "util-linux")
	p := stopped(t)
	pid := strconv.Itoa(p.PID)
	output(t, choom, "-p", pid, "-n", "321")
	n, err := p.OOMScoreAdj()
	if err != nil {
		t.Fatal(err)
	}
	if n != 321 {
		t.Errorf("OOMScoreAdj() = %d, want 321 as set by choom", n)
	}
	checkChoom(t, "child", output(t, choom, "-p", pid), n)
}

func TestAuditIDsAgreeWithPs(t *testing.T) {
	ps := tool(t, "ps", "procps")
	needRoot(t)
	self := proc.Default().Process(os.Getpid())
	selfLogin, err := self.LoginUID()
	if err != nil {
		t.Fatal(err)
	}
	selfSession, err := self.SessionID()
	if err != nil {
		t.Fatal(err)
	}
	// A shell that sets its own login uid (only a process itself may),
	// which also gives it a new audit session, then waits.
	cmd := exec.Command("sh", "-c", `echo 0 > /proc/self/loginuid && echo ready && exec sleep 1000`)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	buf := make([]byte, 6)
	if _, err := stdout.Read(buf); err != nil || string(buf) != "ready\n" {
		t.Skipf("cannot set a login uid here (audit not built in?): %q, %v", buf, err)
	}
	p := proc.Default().Process(cmd.Process.Pid)
	login, err := p.LoginUID()
	if err != nil {
		t.Fatal(err)
	}
	session, err := p.SessionID()
	if err != nil {
		t.Fatal(err)
	}
	if login != 0 || !session.IsSet() || session == selfSession {
		t.Errorf("LoginUID, SessionID = %v, %v; want 0 and a new session (this process's is %v)", login, session, selfSession)
	}
	// ps -o luid shows the login uid (as a number here), or "-" when unset.
	for _, c := range []struct {
		pid int
		id  proc.AuditID
	}{{p.PID, login}, {os.Getpid(), selfLogin}} {
		out := strings.TrimSpace(output(t, ps, "-o", "luid=", "-p", strconv.Itoa(c.pid)))
		want := "-"
		if c.id.IsSet() {
			want = c.id.String()
		}
		if out != want && !(c.id == 0 && out == "root") {
			t.Errorf("pid %d: LoginUID() = %v; ps -o luid = %q", c.pid, c.id, out)
		}
	}
}

// TestReadersFixture reads the readers fixture, whose capture recorded
// what the tools said of the process under tools/, and compares each
// reader with them, then checks the values the capture script set.
func TestReadersFixture(t *testing.T) {
	f := fixtures.FS(t, "readers")
	dir := fixtures.Dir(t, "readers")
	tools := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, "tools", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	p := f.Process(1588)
	cgs, err1 := p.Cgroup()
	nss, err2 := p.Namespaces()
	ms, err3 := p.MountInfo()
	attr, err4 := p.Attr()
	ls, err5 := p.Limits()
	statm, err6 := p.Statm()
	rollup, err7 := p.SmapsRollup()
	maps, err8 := p.Maps()
	io, err9 := p.IO()
	oom, err10 := p.OOMScoreAdj()
	login, err11 := p.LoginUID()
	session, err12 := p.SessionID()
	if err := errors.Join(err1, err2, err3, err4, err5, err6, err7, err8, err9, err10, err11, err12); err != nil {
		t.Fatal(err)
	}
	checkPsCgroup(t, "fixture", tools("ps-cgroup.txt"), cgs)
	checkLsns(t, "fixture", tools("lsns.json"), nss)
	checkFindmnt(t, "fixture", tools("findmnt.json"), ms)
	ps := tools("ps.txt") // rss vsz label
	checkPsLabel(t, "fixture", strings.Fields(ps)[2], attr)
	checkPrlimit(t, "fixture", tools("prlimit.txt"), ls)
	checkPsMemory(t, "fixture", ps, statm, 4096) // captured on amd64
	checkRollup(t, "fixture", ps, rollup)
	checkPmap(t, "fixture", tools("pmap.txt"), maps)
	checkChoom(t, "fixture", tools("choom.txt"), oom)

	var v1, v2 string
	for _, c := range cgs {
		if c.V2() {
			v2 = c.Path
		} else if slices.Contains(c.Controllers, "pids") {
			v1 = c.Path
		}
	}
	tmpfs := false
	for _, m := range ms {
		tmpfs = tmpfs || strings.HasSuffix(m.MountPoint, "/mnt a\\b") && m.Source == "fixture src" && slices.Contains(m.SuperOptions, "mode=700")
	}
	nofile := ls[proc.RLimitNoFile]
	if v1 != "/procscope-fixture" || v2 != "/procscope-fixture" || !tmpfs || attr.LSM != proc.LSMNone ||
		nofile.Soft != 1024 || nofile.Hard != 4096 || ls[proc.RLimitCore].Hard != proc.Unlimited ||
		oom != 500 || login != 1000 || !session.IsSet() || io.RChar < 100000 || statm.Resident == 0 || len(maps) == 0 {
		t.Errorf("fixture: cgroup v1 %q v2 %q, tmpfs %v, LSM %s, NOFILE %+v, CORE %+v, oom %d, login %v, session %v, rchar %d, resident %d, %d maps; "+
			"want what capture.sh set", v1, v2, tmpfs, attr.LSM, nofile, ls[proc.RLimitCore], oom, login, session, io.RChar, statm.Resident, len(maps))
	}
}
