package proc_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/proc"
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
		want := strings.TrimSpace(output(t, ps, "-o", "cgroup=", "-p", strconv.Itoa(pid)))
		if got := psCgroup(cgs); got != want {
			t.Errorf("pid %d: Cgroup() as ps shows it = %q; ps -o cgroup = %q", pid, got, want)
		}
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
		var out struct {
			Namespaces []struct {
				NS   uint64 `json:"ns"`
				Type string `json:"type"`
			} `json:"namespaces"`
		}
		if err := json.Unmarshal([]byte(output(t, lsns, "-p", strconv.Itoa(pid), "-J", "-o", "NS,TYPE")), &out); err != nil {
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
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("pid %d: Namespaces() differ from lsns -p (-lsns +got):\n%s", pid, diff)
		}
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
		js := output(t, findmnt, "-N", strconv.Itoa(pid), "-l", "-J", "-o", "ID,PARENT,MAJ:MIN,FSROOT,TARGET,FSTYPE,VFS-OPTIONS,FS-OPTIONS,PROPAGATION")
		if err := json.Unmarshal([]byte(js), &out); err != nil {
			t.Fatal(err)
		}
		var got []row
		sawTarget := false
		for _, m := range ms {
			got = append(got, row{ID: m.ID, Parent: m.ParentID, MajMin: strconv.Itoa(int(m.Major)) + ":" + strconv.Itoa(int(m.Minor)),
				FSRoot: m.Root, Target: m.MountPoint, FSType: m.FSType, VFSOptions: strings.Join(m.Options, ","),
				FSOptions: strings.Join(m.SuperOptions, ","), Propagation: propagation(m.Optional)})
			sawTarget = sawTarget || m.MountPoint == target && m.Source == "src x" && m.FSType == "tmpfs"
		}
		if diff := cmp.Diff(out.Filesystems, got); diff != "" {
			t.Errorf("pid %d: MountInfo() differs from findmnt -N (-findmnt +got):\n%s", pid, diff)
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
		// ps reads attr/current and prints "-" when it cannot.
		want := strings.TrimSpace(output(t, ps, "-o", "label=", "-p", strconv.Itoa(pid)))
		got := a.Label
		if a.LSM == proc.LSMNone {
			got = "-"
		}
		if got != want {
			t.Errorf("pid %d: Attr() = %+v; ps -o label = %q", pid, a, want)
		}
	}
}
