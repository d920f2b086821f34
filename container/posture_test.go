package container

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
)

// fakeProc writes one process into a /proc-like tree at dir: files by
// name (relative to the pid's directory) and symbolic links.
func fakeProc(t *testing.T, dir string, pid string, files, links map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, pid, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for name, target := range links {
		p := filepath.Join(dir, pid, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
}

func fakeNS(prefix int) map[string]string {
	m := map[string]string{}
	for i, k := range NamespaceKinds {
		m["ns/"+k] = k + ":[" + itoa(prefix+i) + "]"
	}
	return m
}

// fakeContainer is a process in its own namespaces, with the given label,
// uid (and uid_map), capabilities (hex, as status prints them) and seccomp
// mode, built with proctest in the kernel's formats.
func fakeContainer(t *testing.T, label, uid, uidMap, caps, seccomp string) (*proc.FS, *Reference) {
	t.Helper()
	capSet, err1 := strconv.ParseUint(caps, 16, 64)
	mode, err2 := strconv.Atoi(seccomp)
	id, err3 := strconv.ParseUint(uid, 10, 32)
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatal(err)
	}
	if uidMap == "" {
		uidMap = "0 100000 65536\n"
	}
	ns := map[string]uint64{}
	for i, k := range NamespaceKinds {
		ns[k] = uint64(5000 + i)
	}
	tr := proctest.Tree{Processes: []proctest.Process{{
		PID: 42, PPID: 1, Comm: "app", Cmdline: []string{"app"}, Environ: []string{"PATH=/bin"},
		UID: uint32(id), Caps: &proctest.Caps{Prm: proc.CapSet(capSet), Eff: proc.CapSet(capSet), Bnd: proc.CapSet(capSet)},
		NoNewPrivs: true, Seccomp: proc.SeccompMode(mode), SeccompFilters: 1,
		Cgroup:     "/kubepods/burstable/pod3d274242-8ee0-11e9-a8a6-1e68d864ef1a/" + ddKube,
		Namespaces: ns, Label: label,
		Files: map[string]string{
			"mountinfo": "500 400 0:99 / / ro,relatime - overlay overlay rw\n",
			"uid_map":   uidMap,
		},
	}}}
	ref := &Reference{PID: 1, Namespaces: map[string]uint64{}, CapBnd: 0x1ffffffffff,
		Mounts: []proc.Mount{{ID: 1, Major: 254, Root: "/", MountPoint: "/"}}}
	for i, k := range NamespaceKinds {
		ref.Namespaces[k] = uint64(4000 + i)
	}
	return tr.FS(t), ref
}

func controls(p Posture) []string {
	var out []string
	for _, f := range p.Findings {
		out = append(out, string(f.Control)+"/"+string(f.Level)+": "+f.Evidence)
	}
	return out
}

// TestPostureLSM checks the AppArmor and SELinux controls, which this
// host's kernel (no LSM) cannot show on a real container.
func TestPostureLSM(t *testing.T) {
	tests := []struct {
		label string
		want  []string // findings beyond none
	}{
		{"unconfined\n", []string{`apparmor/baseline: /proc/42/attr/current: "unconfined"`}},
		{"docker-default (enforce)\n", nil},
		{"system_u:system_r:spc_t:s0\x00", []string{`selinux/baseline: /proc/42/attr/current: "system_u:system_r:spc_t:s0"`}},
		{"system_u:system_r:unconfined_t:s0\x00", []string{`selinux/baseline: /proc/42/attr/current: "system_u:system_r:unconfined_t:s0"`}},
		{"system_u:system_r:container_t:s0:c1,c2\x00", nil},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			fsys, ref := fakeContainer(t, tt.label, "1000", "", "0000000000000000", "2")
			p, err := Check(fsys.Process(42), ref, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := controls(p); !slices.Equal(got, tt.want) {
				t.Errorf("findings\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestPostureUserNamespace: root inside a user namespace is root on the
// host only when uid_map maps it to host uid 0.
func TestPostureUserNamespace(t *testing.T) {
	for _, tt := range []struct {
		uidMap string
		want   []string
	}{
		{"         0     100000      65536\n", nil},
		{"         0          0 4294967295\n", []string{"running-as-non-root/restricted: /proc/42/uid_map: uid 0 maps to host uid 0 (0 0 4294967295)"}},
	} {
		fsys, ref := fakeContainer(t, "docker-default (enforce)\n", "0", tt.uidMap, "0000000000000000", "2")
		p, err := Check(fsys.Process(42), ref, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := controls(p); !slices.Equal(got, tt.want) {
			t.Errorf("uid_map %q: findings\n got %q\nwant %q", tt.uidMap, got, tt.want)
		}
	}
}

// TestPosturePrivilegedNeedsAll: every capability is not "privileged" while
// seccomp or an LSM still confines the process.
func TestPosturePrivilegedNeedsAll(t *testing.T) {
	for _, tt := range []struct {
		label, seccomp string
		privileged     bool
	}{
		{"unconfined\n", "0", true},
		{"docker-default (enforce)\n", "0", false},
		{"unconfined\n", "2", false},
	} {
		fsys, ref := fakeContainer(t, tt.label, "1000", "", "000001ffffffffff", tt.seccomp)
		p, err := Check(fsys.Process(42), ref, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := slices.ContainsFunc(p.Findings, func(f Finding) bool { return f.Control == PrivilegedContainers })
		if got != tt.privileged {
			t.Errorf("label %q seccomp %s: privileged = %v, want %v (%q)", tt.label, tt.seccomp, got, tt.privileged, controls(p))
		}
	}
}

// TestPosturePartialTree: a tree with only the cgroup file gives the
// identity, no finding, and names every control it could not check.
func TestPosturePartialTree(t *testing.T) {
	dir := t.TempDir()
	fakeProc(t, dir, "42", map[string]string{"cgroup": "0::/docker/" + ddDocker + "\n"}, nil)
	fsys := proc.New(os.DirFS(dir))
	ref := &Reference{PID: 1, Namespaces: map[string]uint64{"net": 1}}
	p, err := Check(fsys.Process(42), ref, nil)
	if err == nil {
		t.Error("no error for the missing files")
	}
	if p.Identity.ContainerID != ddDocker || p.Identity.Runtime != Docker {
		t.Errorf("identity %+v", p.Identity)
	}
	if len(p.Findings) != 0 {
		t.Errorf("findings from nothing: %q", controls(p))
	}
	var un []string
	for _, u := range p.Unobserved {
		if !slices.Contains(un, string(u.Control)) {
			un = append(un, string(u.Control))
		}
	}
	for _, c := range []Control{HostNamespaces, Capabilities, Seccomp, RunningAsNonRoot, HostPathVolumes, Secrets} {
		if !slices.Contains(un, string(c)) {
			t.Errorf("control %s neither checked nor listed unobserved (%q)", c, un)
		}
	}
}

// TestHiddenByCgroupNamespace: a root path seen from a process in a cgroup
// namespace of its own is not "host": the real path is hidden.
func TestHiddenByCgroupNamespace(t *testing.T) {
	dir := t.TempDir()
	fakeProc(t, dir, "42", map[string]string{"cgroup": "0::/\n"}, map[string]string{"ns/cgroup": "cgroup:[5005]"})
	fakeProc(t, dir, "43", map[string]string{"cgroup": "0::/\n"}, map[string]string{"ns/cgroup": "cgroup:[4005]"})
	fsys := proc.New(os.DirFS(dir))
	ref := &Reference{PID: 1, Namespaces: map[string]uint64{"cgroup": 4005}}
	id, err := Read(fsys.Process(42), ref)
	if err != nil {
		t.Fatal(err)
	}
	want := Identity{Runtime: Unknown, Version: V2, Path: "/", Reason: "cgroup path hidden by a cgroup namespace (cgroup:[5005], host cgroup:[4005])"}
	if id != want {
		t.Errorf("in its own cgroup namespace: %+v, want %+v", id, want)
	}
	id, err = Read(fsys.Process(43), ref)
	if err != nil {
		t.Fatal(err)
	}
	if id.Runtime != Host {
		t.Errorf("in the host's cgroup namespace: %+v, want host", id)
	}
}

// TestIdentityFromMounts: with the cgroup path hidden by a cgroup
// namespace, Check takes the container id and pod UID from the bind mounts
// the runtimes make (the Datadog agent reads /proc/self/mountinfo for
// ".../<id>/hostname" the same way, pkg/util/cgroups cIDRegexpStr).
func TestIdentityFromMounts(t *testing.T) {
	const pod = "3d274242-8ee0-11e9-a8a6-1e68d864ef1a"
	for _, tt := range []struct {
		name, mountinfo string
		rt              Runtime
		cid, pod        string
	}{
		{"docker",
			"500 400 0:99 / / ro - overlay overlay rw\n" +
				"501 500 254:0 /var/lib/docker/containers/" + ddDocker + "/hostname /etc/hostname rw - ext4 /dev/vda rw\n",
			Docker, ddDocker, ""},
		{"cri-o in a pod",
			"500 400 0:99 / / ro - overlay overlay rw\n" +
				"501 500 0:30 /containers/storage/overlay-containers/" + falcoCRIO + "/userdata/hostname /etc/hostname rw - tmpfs tmpfs rw\n" +
				"502 500 254:0 /var/lib/kubelet/pods/" + pod + "/etc-hosts /etc/hosts rw - ext4 /dev/vda rw\n",
			Unknown, falcoCRIO, pod},
		{"nothing to tell", "500 400 0:99 / / ro - overlay overlay rw\n", Unknown, "", ""},
		// A node agent (a CSI plugin, a log shipper) mounts the kubelet's or
		// Docker's directories, other pods' and containers' included: only
		// the runtime's own binds of /etc/hosts, /etc/hostname and
		// /etc/resolv.conf name the process's container and pod.
		{"another pod's volume is not the pod",
			"500 400 0:99 / / ro - overlay overlay rw\n" +
				"501 500 254:0 /var/lib/kubelet/pods/11111111-2222-3333-4444-555555555555/volumes /var/lib/kubelet/pods/11111111-2222-3333-4444-555555555555/volumes rw - ext4 /dev/vda rw\n" +
				"502 500 254:0 /var/lib/docker/containers/" + ddRefImpl + "/" + ddRefImpl + "-json.log /logs/a.log ro - ext4 /dev/vda rw\n" +
				"503 500 254:0 /var/lib/docker/containers/" + ddDocker + "/hostname /etc/hostname rw - ext4 /dev/vda rw\n" +
				"504 500 254:0 /var/lib/kubelet/pods/" + pod + "/etc-hosts /etc/hosts rw - ext4 /dev/vda rw\n",
			Docker, ddDocker, pod},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			fakeProc(t, dir, "42", map[string]string{"cgroup": "0::/\n", "mountinfo": tt.mountinfo}, fakeNS(5000))
			ref := &Reference{PID: 1, Namespaces: map[string]uint64{"cgroup": 4005}}
			p, _ := Check(proc.New(os.DirFS(dir)).Process(42), ref, nil)
			id := p.Identity
			if id.Runtime != tt.rt || id.ContainerID != tt.cid || id.PodUID != tt.pod || !strings.HasPrefix(id.Reason, "cgroup path hidden") {
				t.Errorf("identity %+v, want %s %q pod %q", id, tt.rt, tt.cid, tt.pod)
			}
		})
	}
}

// TestHostNamespacesEach: each namespace shared with the host is one
// finding, with the link as evidence; the mount namespace (which runc
// always unshares) included. Net, pid, ipc (and uts, which only
// hostNetwork shares) break baseline, as the Pod Security Standards say;
// the cgroup and mount namespaces are beyond them (restricted): Docker and
// the CRI runtimes on cgroup v1 leave every container in the host's cgroup
// namespace, which a baseline pod cannot change.
func TestHostNamespacesEach(t *testing.T) {
	for i, k := range NamespaceKinds {
		t.Run(k, func(t *testing.T) {
			fsys, ref := fakeContainer(t, "docker-default (enforce)\n", "1000", "", "0000000000000000", "2")
			// Share one namespace with the reference.
			ref.Namespaces[k] = uint64(5000 + i)
			p, err := Check(fsys.Process(42), ref, nil)
			if err != nil {
				t.Fatal(err)
			}
			ctl, lvl := "host-namespaces", "baseline"
			switch k {
			case "user":
				ctl, lvl = "host-user-namespace", "restricted"
			case "cgroup", "mnt":
				lvl = "restricted"
			}
			want := []string{ctl + "/" + lvl + ": /proc/42/ns/" + k + ": " + k + ":[" + itoa(5000+i) + "] is the host's (pid 1)"}
			// (In the host's user namespace uid 1000 is itself: not root.)
			got := controls(p)
			if k == "mnt" {
				// Sharing the host's mounts: host paths are not reported twice.
				got = slices.DeleteFunc(got, func(s string) bool { return strings.HasPrefix(s, "hostpath") })
			}
			if !slices.Equal(got, want) {
				t.Errorf("findings\n got %q\nwant %q", got, want)
			}
		})
	}
}

// TestScanGroups: processes of one container group together, a monitor
// (conmon) apart from the container it watches, and the pod lists its
// containers.
func TestScanGroups(t *testing.T) {
	const pod = "3d274242-8ee0-11e9-a8a6-1e68d864ef1a"
	slice := "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + strings.ReplaceAll(pod, "-", "_") + ".slice/"
	dir := t.TempDir()
	for pid, path := range map[string]string{
		"42": slice + "crio-" + falcoCRIO + ".scope",
		"44": slice + "crio-" + falcoCRIO + ".scope",
		"43": slice + "crio-conmon-" + falcoCRIO + ".scope",
		"45": slice + "crio-" + falcoCRIOSysd + ".scope",
		"46": "/system.slice/ssh.service",
	} {
		fakeProc(t, dir, pid, map[string]string{"cgroup": "0::" + path + "\n"}, nil)
	}
	snap, err := Scan(t.Context(), proc.New(os.DirFS(dir)), &Reference{PID: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]int{}
	for _, g := range snap.Groups {
		got[g.Key()] = g.PIDs
	}
	want := map[string][]int{
		"cri-o:" + falcoCRIO:         {42, 44},
		"cri-o:" + falcoCRIOSysd:     {45},
		"cri-o:monitor:" + falcoCRIO: {43},
		"host":                       {46},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string][]string{pod: {falcoCRIOSysd, falcoCRIO}}, snap.Pods); diff != "" {
		t.Errorf("pods (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string][]int{falcoCRIO: {42, 44}, falcoCRIOSysd: {45}}, snap.Containers()); diff != "" {
		t.Errorf("containers (-want +got):\n%s", diff)
	}
	if len(snap.Failures) != 5 {
		t.Errorf("%d processes reported read in part, want 5 (the tree has only cgroup files)", len(snap.Failures))
	}
}

// TestCheckErrorOneLine: the failures of a partial tree come back joined
// on one line, each still testable with errors.Is.
func TestCheckErrorOneLine(t *testing.T) {
	dir := t.TempDir()
	fakeProc(t, dir, "42", map[string]string{"cgroup": "0::/docker/" + ddDocker + "\n"}, nil)
	_, err := Check(proc.New(os.DirFS(dir)).Process(42), &Reference{PID: 1}, nil)
	if err == nil || strings.Contains(err.Error(), "\n") {
		t.Fatalf("error %q: want one line", err)
	}
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "42/status") {
		t.Errorf("error %q does not carry the missing files", err)
	}
}

// TestPrivilegedReferenceCapsUnknown: without the reference's bounding set
// (pid 1's status unreadable, or no reference at all, as audit falls back
// to), "every capability" cannot be told: the privileged control is listed
// unobserved, not silently passed.
func TestPrivilegedReferenceCapsUnknown(t *testing.T) {
	fsys, ref := fakeContainer(t, "unconfined\n", "0", "", "000001ffffffffff", "0")
	ref.CapBnd = 0
	p, err := Check(fsys.Process(42), ref, nil)
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(p.Findings, func(f Finding) bool { return f.Control == PrivilegedContainers }) {
		t.Errorf("privileged found against an unknown bounding set: %q", controls(p))
	}
	if !slices.ContainsFunc(p.Unobserved, func(u Unobserved) bool { return u.Control == PrivilegedContainers }) {
		t.Errorf("privileged-containers neither checked nor listed unobserved: %+v", p.Unobserved)
	}
}
