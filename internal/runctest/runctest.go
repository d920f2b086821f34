//go:build linux

// Package runctest starts real containers with runc for tests: a busybox
// root file system in a temporary directory, a runtime-spec configuration
// with the settings a test asks for, and everything removed in t.Cleanup,
// also when the test fails. Tests skip, saying why, when not root or when
// runc or busybox-static is not installed.
package runctest

import (
	"bytes"
	"crypto/rand"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/procscope/procscope/proc"
)

// Config describes a container a test starts with runc.
type Config struct {
	CgroupsPath string
	UID         uint32
	Caps        []string // nil: runc spec's default set; empty: all dropped
	Seccomp     *specs.LinuxSeccomp
	NoNewPrivs  bool
	HostNet     bool                       // share the host's network namespace
	HostNS      []specs.LinuxNamespaceType // share these host namespaces too (pid, ipc, uts)
	Readonly    bool
	Env         []string
	Mounts      []specs.Mount
	Args        []string // default: sleep
	Userns      bool     // map container uid 0 to host uid 100000
	Cgroupns    bool     // a cgroup namespace of its own
	Apparmor    string
}

// Container is a started container.
type Container struct {
	ID     string
	PID    int // the container's init process
	Bundle string
}

// Need skips the test unless runc can run containers here.
func Need(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("runc containers need root: run the tests as root (as .ci/run does)")
	}
	runc, err := exec.LookPath("runc")
	if err != nil {
		t.Skip("runc not installed (Debian package runc): skipping the real-container tests")
	}
	if _, err := os.Stat("/usr/bin/busybox"); err != nil {
		t.Skip("busybox not installed (Debian package busybox-static): skipping the real-container tests")
	}
	if f, err := elf.Open("/usr/bin/busybox"); err == nil {
		dynamic := slices.ContainsFunc(f.Progs, func(p *elf.Prog) bool { return p.Type == elf.PT_INTERP })
		f.Close()
		if dynamic {
			t.Skip("/usr/bin/busybox is dynamically linked: install busybox-static to run the real-container tests")
		}
	}
	return runc
}

// RandHex returns n random hex digits.
func RandHex(t *testing.T, n int) string {
	b := make([]byte, (n+1)/2)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)[:n]
}

// NewPodUID returns a random UUID-shaped pod UID.
func NewPodUID(t *testing.T) string {
	h := RandHex(t, 32)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// makeRootfs builds a busybox root file system in dir.
func makeRootfs(t *testing.T, dir string) {
	t.Helper()
	for _, d := range []string{"bin", "proc", "dev", "sys", "tmp", "etc", "host"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bb, err := os.ReadFile("/usr/bin/busybox")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bin", "busybox"), bb, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"sh", "sleep", "nc", "cat"} {
		if err := os.Symlink("busybox", filepath.Join(dir, "bin", name)); err != nil {
			t.Fatal(err)
		}
	}
}

// Start runs c with runc and returns its init process. The container and
// the cgroup directories runc made are removed in t.Cleanup, also when the
// test fails.
func Start(t *testing.T, c Config) Container {
	t.Helper()
	return StartWith(t, c, nil)
}

// StartWith is Start with a hook that adds to the rootfs.
func StartWith(t *testing.T, c Config, prepare func(rootfs string)) Container {
	t.Helper()
	runc := Need(t)
	base := t.TempDir()
	// A mapped root must be able to reach the rootfs.
	for d := base; d != "/" && d != "."; d = filepath.Dir(d) {
		if strings.HasPrefix(d, os.TempDir()) && d != os.TempDir() {
			os.Chmod(d, 0o755)
		}
	}
	bundle := filepath.Join(base, "bundle")
	rootfs := filepath.Join(bundle, "rootfs")
	makeRootfs(t, rootfs)
	if prepare != nil {
		prepare(rootfs)
	}
	if c.Userns {
		filepath.WalkDir(rootfs, func(p string, _ os.DirEntry, err error) error {
			if err == nil {
				os.Lchown(p, 100000, 100000)
			}
			return nil
		})
	}
	state := filepath.Join(base, "state")
	id := "procscope-test-" + RandHex(t, 12)

	spec := defaultSpec()
	spec.Root = &specs.Root{Path: "rootfs", Readonly: c.Readonly}
	spec.Process.User = specs.User{UID: c.UID, GID: c.UID}
	spec.Process.Args = c.Args
	if spec.Process.Args == nil {
		spec.Process.Args = []string{"/bin/sleep", "600"}
	}
	spec.Process.Env = append([]string{"PATH=/bin"}, c.Env...)
	spec.Process.NoNewPrivileges = c.NoNewPrivs
	spec.Process.ApparmorProfile = c.Apparmor
	if c.Caps != nil {
		spec.Process.Capabilities = &specs.LinuxCapabilities{
			Bounding: c.Caps, Effective: c.Caps, Permitted: c.Caps,
		}
	}
	spec.Linux.CgroupsPath = c.CgroupsPath
	spec.Linux.Seccomp = c.Seccomp
	shared := slices.Clone(c.HostNS)
	if c.HostNet {
		shared = append(shared, specs.NetworkNamespace)
	}
	var ns []specs.LinuxNamespace
	for _, n := range spec.Linux.Namespaces {
		if !slices.Contains(shared, n.Type) {
			ns = append(ns, n)
		}
	}
	spec.Linux.Namespaces = ns
	if slices.Contains(shared, specs.UTSNamespace) {
		spec.Hostname = "" // only a private UTS namespace takes a hostname
	}
	if c.Userns {
		spec.Linux.Namespaces = append(spec.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
		spec.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
		spec.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
		// sysfs cannot be mounted from a user namespace without its own netns owner: bind it.
		for i, m := range spec.Mounts {
			if m.Destination == "/sys" {
				spec.Mounts[i] = specs.Mount{Destination: "/sys", Type: "none", Source: "/sys", Options: []string{"rbind", "nosuid", "noexec", "nodev", "ro"}}
			}
		}
	}
	if c.Cgroupns {
		spec.Linux.Namespaces = append(spec.Linux.Namespaces, specs.LinuxNamespace{Type: specs.CgroupNamespace})
	}
	spec.Mounts = append(spec.Mounts, c.Mounts...)
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}

	t.Cleanup(func() { removeCtr(t, runc, state, id, c.CgroupsPath) })
	errf, err := os.Create(filepath.Join(base, "runc.err"))
	if err != nil {
		t.Fatal(err)
	}
	defer errf.Close()
	// runc run -d: the container keeps runc's stdio, so stdout and stderr
	// are files, never pipes a Wait would block on.
	cmd := exec.Command(runc, "--root", state, "run", "-d", "--bundle", bundle, id)
	cmd.Stdout, cmd.Stderr = errf, errf
	if err := cmd.Run(); err != nil {
		msg, _ := os.ReadFile(errf.Name())
		t.Fatalf("runc run: %v: %s", err, bytes.TrimSpace(msg))
	}
	out, err := exec.Command(runc, "--root", state, "state", id).Output()
	if err != nil {
		t.Fatalf("runc state: %v", err)
	}
	var st specs.State
	if err := json.Unmarshal(out, &st); err != nil {
		t.Fatalf("runc state: %v", err)
	}
	if st.Pid <= 0 || st.Status != specs.StateRunning {
		msg, _ := os.ReadFile(errf.Name())
		t.Fatalf("container %s is %s (pid %d); its output: %s", id, st.Status, st.Pid, bytes.TrimSpace(msg))
	}
	// runc returns once the container's init was told to start; the exec of
	// the configured program may not have happened yet.
	want := strings.Join(spec.Process.Args, "\x00") + "\x00"
	WaitFor(t, "the container's process to exec "+spec.Process.Args[0], func() bool {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(st.Pid) + "/cmdline")
		return err == nil && string(b) == want
	})
	return Container{ID: id, PID: st.Pid, Bundle: bundle}
}

// removeCtr deletes the container and the cgroup directories made for it.
func removeCtr(t *testing.T, runc, state, id, cgroupsPath string) {
	out, err := exec.Command(runc, "--root", state, "delete", "-f", id).CombinedOutput()
	if err != nil && !bytes.Contains(out, []byte("does not exist")) {
		t.Errorf("runc delete -f %s: %v: %s", id, err, bytes.TrimSpace(out))
	}
	if cgroupsPath == "" {
		return
	}
	// runc removes the leaf; the parents (kubepods/..., pod<uid>) are ours.
	for _, b := range cgroupBases(!strings.HasPrefix(cgroupsPath, "/")) {
		p := filepath.Join(b, cgroupsPath)
		for p != b && strings.HasPrefix(p, b) {
			err := syscall.Rmdir(p)
			if err != nil && !errors.Is(err, syscall.ENOENT) && !errors.Is(err, syscall.EBUSY) && !errors.Is(err, syscall.ENOTEMPTY) {
				t.Errorf("remove cgroup %s: %v", p, err)
			}
			p = filepath.Dir(p)
		}
	}
}

// cgroupBases returns the directories a cgroupsPath is made under: the
// mount point of every cgroup hierarchy (v1 and v2, from this process's
// mountinfo), and, for a relative path, this process's own cgroup in each,
// which runc joins a relative path to.
func cgroupBases(relative bool) []string {
	mounts, err := proc.Default().Process(os.Getpid()).MountInfo()
	if err != nil {
		return nil
	}
	var own []proc.Cgroup
	if b, err := os.ReadFile("/proc/self/cgroup"); err == nil {
		own, _ = proc.ParseCgroup(b)
	}
	var out []string
	for _, m := range mounts {
		if m.FSType != "cgroup" && m.FSType != "cgroup2" {
			continue
		}
		out = append(out, m.MountPoint)
		if !relative {
			continue
		}
		for _, l := range own {
			match := m.FSType == "cgroup2" && l.V2()
			for _, c := range l.Controllers {
				match = match || m.FSType == "cgroup" && slices.Contains(m.SuperOptions, c)
			}
			if match && l.Path != "/" {
				out = append(out, filepath.Join(m.MountPoint, l.Path))
			}
		}
	}
	return out
}

// defaultSpec is the configuration `runc spec` writes, as runtime-spec types.
func defaultSpec() *specs.Spec {
	defCaps := []string{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"}
	return &specs.Spec{
		Version: specs.Version,
		Process: &specs.Process{
			Cwd: "/",
			Capabilities: &specs.LinuxCapabilities{
				Bounding: defCaps, Effective: defCaps, Permitted: defCaps,
			},
			Rlimits: []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Hard: 1024, Soft: 1024}},
		},
		Hostname: "procscope",
		Mounts: []specs.Mount{
			{Destination: "/proc", Type: "proc", Source: "proc"},
			{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
			{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
			{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
			{Destination: "/dev/mqueue", Type: "mqueue", Source: "mqueue", Options: []string{"nosuid", "noexec", "nodev"}},
			{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}},
		},
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{
				{Type: specs.PIDNamespace}, {Type: specs.NetworkNamespace}, {Type: specs.IPCNamespace},
				{Type: specs.UTSNamespace}, {Type: specs.MountNamespace},
			},
			MaskedPaths:   []string{"/proc/kcore", "/proc/keys", "/sys/firmware"},
			ReadonlyPaths: []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"},
		},
	}
}

// AllCaps returns every capability this process may grant: its own
// bounding set (a sandbox may have taken some away from everyone).
func AllCaps(t *testing.T) []string {
	st, err := proc.Default().Process(os.Getpid()).Status()
	if err != nil {
		t.Fatal(err)
	}
	return st.CapBnd.Names()
}

// BlockSeccomp is a filter that allows everything but one system call.
func BlockSeccomp() *specs.LinuxSeccomp {
	return &specs.LinuxSeccomp{
		DefaultAction: specs.ActAllow,
		Syscalls:      []specs.LinuxSyscall{{Names: []string{"ptrace"}, Action: specs.ActErrno}},
	}
}

// WaitFor polls cond for up to 30 s (the machine may be busy).
func WaitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}
