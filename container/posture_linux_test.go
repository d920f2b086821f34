//go:build linux

package container

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/procscope/procscope/internal/runctest"
	"github.com/procscope/procscope/proc"
)

// freePort returns a TCP port nothing listens on now.
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// containerFindings scans the live /proc and returns the group of the
// container id.
func containerGroup(t *testing.T, id string) Group {
	t.Helper()
	snap, err := Scan(context.Background(), proc.Default(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range snap.Failures {
		t.Logf("scan: %v", e)
	}
	for _, g := range snap.Groups {
		if g.Identity.ContainerID == id {
			return g
		}
	}
	t.Fatalf("container %s not in the snapshot", id)
	return Group{}
}

// controlsOf returns "control/level" for each finding, sorted and unique,
// and the evidence of each.
func controlsOf(fs []Finding) ([]string, map[string][]string) {
	var out []string
	ev := map[string][]string{}
	for _, f := range fs {
		k := string(f.Control) + "/" + string(f.Level)
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
		ev[k] = append(ev[k], f.Evidence)
	}
	slices.Sort(out)
	return out, ev
}

// TestPostureRunc starts one container configured to break every control
// /proc can observe here, and one configured to respect them, and checks
// each finding (and its evidence) is present in the first and absent from
// the second.
func TestPostureRunc(t *testing.T) {
	runctest.Need(t)
	podUID := runctest.NewPodUID(t)
	badID, goodID := runctest.RandHex(t, 64), runctest.RandHex(t, 64)
	port := freePort(t)

	// The bad one: root, every capability, no seccomp, NoNewPrivs off, the
	// host's network, pid, ipc, uts, cgroup and user namespaces (the mount
	// namespace runc always makes: TestHostNamespacesEach covers it), a
	// writable root, the host's / and /proc mounted, a
	// secret in its environment and command line, a deleted executable, a
	// socket listening on all addresses.
	bad := runctest.Config{
		CgroupsPath: "/kubepods/burstable/pod" + podUID + "/" + badID,
		UID:         0,
		Caps:        runctest.AllCaps(t),
		HostNet:     true,
		HostNS:      []specs.LinuxNamespaceType{specs.PIDNamespace, specs.IPCNamespace, specs.UTSNamespace},
		Env:         []string{"DB_PASSWORD=river-frost-ember"},
		Mounts: []specs.Mount{
			{Destination: "/host", Type: "none", Source: "/", Options: []string{"rbind", "ro"}},
			{Destination: "/hostproc", Type: "none", Source: "/proc", Options: []string{"rbind", "ro"}},
		},
		Args: []string{"/opt/busybox", "sh", "-c", fmt.Sprintf("nc -l -p %d; true", port), "PGPASSWORD=hunter2-xyzzy-42"},
	}
	badCtr := runctest.StartWith(t, bad, func(rootfs string) {
		os.MkdirAll(filepath.Join(rootfs, "opt"), 0o755)
		bb, err := os.ReadFile("/usr/bin/busybox")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(rootfs, "opt", "busybox"), bb, 0o755); err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(rootfs, "hostproc"), 0o755)
	})
	// The executable goes away under the running process.
	if err := os.Remove(filepath.Join(badCtr.Bundle, "rootfs", "opt", "busybox")); err != nil {
		t.Fatal(err)
	}
	// Probe the listener without connecting: nc serves one connection only.
	runctest.WaitFor(t, "the container's listener", func() bool {
		for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
			b, _ := os.ReadFile(table)
			for _, line := range strings.Split(string(b), "\n") {
				f := strings.Fields(line)
				if len(f) > 3 && strings.HasSuffix(f[1], fmt.Sprintf(":%04X", port)) && f[3] == "0A" {
					return true
				}
			}
		}
		return false
	})

	// The good one: a non-root user in a user namespace, every capability
	// dropped, a seccomp filter, NoNewPrivs, its own namespaces of every
	// kind, a read-only root, nothing of the host mounted, no secret.
	good := runctest.Config{
		CgroupsPath: "/kubepods/burstable/pod" + podUID + "/" + goodID,
		UID:         1000,
		Caps:        []string{},
		Seccomp:     runctest.BlockSeccomp(),
		NoNewPrivs:  true,
		Readonly:    true,
		Userns:      true,
		Cgroupns:    true,
		Env:         []string{"GREETING=hello"},
	}
	runctest.Start(t, good)

	want := []string{
		"capabilities/baseline", "capabilities/restricted",
		"deleted-executable/baseline",
		"host-namespaces/baseline", "host-namespaces/restricted",
		"host-network-listener/baseline",
		"host-user-namespace/restricted",
		"hostpath-volumes/baseline",
		"privilege-escalation/restricted",
		"privileged-containers/baseline",
		"read-only-root-filesystem/restricted",
		"running-as-non-root/restricted",
		"seccomp/restricted",
		"secrets/baseline",
	}
	g := containerGroup(t, badID)
	got, ev := controlsOf(g.Findings)
	if !slices.Equal(got, want) {
		t.Errorf("bad container: controls\n got %q\nwant %q", got, want)
	}
	for k, evs := range ev {
		t.Logf("bad: %s: %s", k, strings.Join(evs, " | "))
	}
	mustEvidence := map[string][]string{
		"host-namespaces/baseline":        {"/ns/net:", "/ns/pid:", "/ns/ipc:", "/ns/uts:"},
		"host-namespaces/restricted":      {"/ns/cgroup:"},
		"hostpath-volumes/baseline":       {"/mountinfo: /host is the host's /", "/mountinfo: /hostproc is the host's /proc"},
		"secrets/baseline":                {"/environ: DB_PASSWORD=<redacted:password>", "/cmdline: argument 4 (PGPASSWORD) <redacted:password>"},
		"host-network-listener/baseline":  {fmt.Sprintf(":%d LISTEN", port)},
		"deleted-executable/baseline":     {`/exe: "/opt/busybox" (deleted)`},
		"privilege-escalation/restricted": {"/status: NoNewPrivs 0"},
		"seccomp/restricted":              {"/status: Seccomp 0"},
		"running-as-non-root/restricted":  {"/status: Uid 0 0 0 0"},
	}
	for k, subs := range mustEvidence {
		all := strings.Join(ev[k], "\n")
		for _, s := range subs {
			if !strings.Contains(all, s) {
				t.Errorf("bad container: %s evidence lacks %q:\n%s", k, s, all)
			}
		}
	}
	for _, f := range g.Findings {
		if strings.Contains(f.Evidence, "river-frost-ember") || strings.Contains(f.Evidence, "hunter2") {
			t.Errorf("evidence leaks a secret: %s", f.Evidence)
		}
		if !slices.Contains(g.PIDs, f.PID) {
			t.Errorf("finding for pid %d outside the container's pids %v", f.PID, g.PIDs)
		}
	}

	gg := containerGroup(t, goodID)
	if got, ev := controlsOf(gg.Findings); len(got) != 0 {
		t.Errorf("good container: findings %q: %v", got, ev)
	}
	if gg.Identity.PodUID != podUID || g.Identity.PodUID != podUID {
		t.Errorf("pod UIDs %q %q, want %q", gg.Identity.PodUID, g.Identity.PodUID, podUID)
	}
}

// TestCheckGone: a process that exited gives an error matching
// fs.ErrNotExist, in one line, and no identity.
func TestCheckGone(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	cmd.Process.Kill()
	cmd.Wait()
	p, err := Check(proc.Default().Process(pid), &Reference{PID: 1}, nil)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Check of exited pid %d: %v, want an error matching fs.ErrNotExist", pid, err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is not one line: %q", err)
	}
	if p.Identity.Path != "" || len(p.Findings) != 0 {
		t.Errorf("posture of a gone process: %+v", p)
	}
	if _, err := Read(proc.Default().Process(pid), nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read: %v", err)
	}
}
