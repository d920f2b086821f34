package container

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/procscope/procscope/fd"
	"github.com/procscope/procscope/internal/oneline"
	"github.com/procscope/procscope/proc"
)

// Level is the Pod Security Standards level a finding breaks.
type Level string

// The levels, from the least to the most restrictive: a process that breaks
// baseline also fails restricted.
const (
	Baseline   Level = "baseline"
	Restricted Level = "restricted"
)

// Includes reports whether a finding at level f counts when auditing at
// level l: restricted counts every finding, baseline only baseline ones.
func (l Level) Includes(f Level) bool { return l == Restricted || f == Baseline }

// Control names a control: the Pod Security Standards' own controls, in
// lowercase with dashes, and the ones the hardening guide adds.
type Control string

// The controls /proc can observe.
const (
	// Pod Security Standards, baseline.
	HostNamespaces       Control = "host-namespaces"       // net, pid, ipc, uts shared with the host (baseline); mnt, cgroup (restricted)
	PrivilegedContainers Control = "privileged-containers" // every capability, no seccomp, no LSM confinement
	Capabilities         Control = "capabilities"          // beyond the baseline set; restricted: beyond NET_BIND_SERVICE
	HostPathVolumes      Control = "hostpath-volumes"      // a runtime socket, /, /proc, /var/lib/kubelet from the host
	AppArmor             Control = "apparmor"              // the AppArmor profile is unconfined
	SELinux              Control = "selinux"               // the SELinux type is an unconfined one
	// Pod Security Standards, restricted.
	Seccomp             Control = "seccomp"              // no seccomp filter
	PrivilegeEscalation Control = "privilege-escalation" // NoNewPrivs is off
	RunningAsNonRoot    Control = "running-as-non-root"  // uid 0 in the initial user namespace
	HostUserNamespace   Control = "host-user-namespace"  // the host's user namespace (hostUsers: true)
	// Beyond the standards, what the hardening guide checks.
	ReadOnlyRootFilesystem Control = "read-only-root-filesystem" // the root mount is writable
	Secrets                Control = "secrets"                   // a secret in the environment or command line
	DeletedExecutable      Control = "deleted-executable"        // the executable was deleted, or is a memfd
	HostNetworkListener    Control = "host-network-listener"     // a socket listening on all addresses of the host's network
)

// Finding is one control a process breaks, with the evidence: the /proc
// file and the value read there. Evidence never holds a secret's value.
type Finding struct {
	Control  Control `json:"control"`
	Level    Level   `json:"level"`
	Evidence string  `json:"evidence"`
	PID      int     `json:"pid"`
}

// Unobserved is a control that could not be checked for a process, and why
// (a file that could not be read, a kernel without an LSM).
type Unobserved struct {
	Control Control `json:"control"`
	Reason  string  `json:"reason"`
}

// Posture is what the kernel enforces on one process, as the Pod Security
// Standards' controls see it.
type Posture struct {
	PID        int          `json:"pid"`
	Identity   Identity     `json:"identity"`
	Findings   []Finding    `json:"findings"`
	Unobserved []Unobserved `json:"unobserved,omitempty"`
}

// Options tunes [Check] and [Scan]. The zero value is the default.
type Options struct {
	// Sockets shares the network tables between processes, so that each
	// network namespace's tables are read once. Nil means a fresh cache.
	Sockets *fd.SocketCache

	// mounts shares mountinfo between the processes of a scan that are in
	// the same mount namespace with the same root (set by Scan).
	mounts *mountCache
}

// mountCache holds the mount table of each (mount namespace, root): the
// kernel writes the same mountinfo for every process that shares both.
type mountCache struct {
	mu sync.Mutex
	m  map[string][]proc.Mount
}

// baselineCaps are the capabilities the baseline level allows a container
// to add (Pod Security Standards, "Capabilities").
var baselineCaps = capSet("CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_MKNOD",
	"CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT")

// restrictedCaps is the only capability the restricted level allows.
var restrictedCaps = capSet("CAP_NET_BIND_SERVICE")

func capSet(names ...string) proc.CapSet {
	var s proc.CapSet
	for i := 0; i < 64; i++ {
		if slices.Contains(names, proc.CapName(i)) {
			s |= 1 << i
		}
	}
	return s
}

// sensitiveHostPaths are the host paths a container must not see (and the
// directories holding them): runtime sockets, the host's root, its /proc,
// the kubelet's state.
var sensitiveHostPaths = []string{
	"/", "/proc", "/var/lib/kubelet",
	"/var/run/docker.sock", "/run/docker.sock",
	"/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock",
	"/run/crio/crio.sock", "/var/run/crio/crio.sock",
	"/run/podman/podman.sock", "/var/run/cri-dockerd.sock", "/run/cri-dockerd.sock",
}

// Check reads what the kernel enforces on p and compares it with ref (nil:
// [HostReference] is read). Each file is read once. It returns what it could
// read, and an error joining the failures; controls whose files could not be
// read are listed in Posture.Unobserved. An error matching fs.ErrNotExist
// means the process is gone.
func Check(p proc.Process, ref *Reference, opts *Options) (Posture, error) {
	if opts == nil {
		opts = &Options{}
	}
	if ref == nil {
		r, err := HostReference(p.FS())
		if err != nil {
			return Posture{PID: p.PID}, err
		}
		ref = r
	}
	c := checker{p: p, ref: ref, opts: opts, out: Posture{PID: p.PID, Findings: []Finding{}}}
	c.run()
	return c.out, oneline.Join(c.errs)
}

type checker struct {
	p    proc.Process
	ref  *Reference
	opts *Options
	out  Posture
	errs []error
	ns   map[string]uint64
}

func (c *checker) find(ctl Control, lvl Level, file, format string, args ...any) {
	c.out.Findings = append(c.out.Findings, Finding{Control: ctl, Level: lvl, PID: c.p.PID,
		Evidence: "/proc/" + strconv.Itoa(c.p.PID) + "/" + file + ": " + fmt.Sprintf(format, args...)})
}

func (c *checker) unobserved(ctl Control, reason string) {
	c.out.Unobserved = append(c.out.Unobserved, Unobserved{Control: ctl, Reason: reason})
}

// fail records err and marks the controls unobserved. It reports whether
// the process is gone (then nothing more is worth reading): a missing file
// in a capture or a partial tree is not a gone process, a missing process
// directory is.
func (c *checker) fail(err error, ctls ...Control) bool {
	c.errs = append(c.errs, err)
	for _, ctl := range ctls {
		c.unobserved(ctl, oneline.String(err))
	}
	if errors.Is(err, proc.ErrGone) {
		return true
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	_, serr := c.p.FS().Lstat(c.p.Path())
	return errors.Is(serr, fs.ErrNotExist)
}

func (c *checker) run() {
	p := c.p
	c.ns = map[string]uint64{}
	for _, k := range NamespaceKinds {
		ino, err := readNS(p, k)
		if err != nil {
			if c.fail(err) {
				return
			}
			continue
		}
		c.ns[k] = ino
	}
	id, err := readIdentity(p, c.ref, c.ns["cgroup"])
	if err != nil {
		if c.fail(err) {
			return
		}
		id = Identity{Runtime: Unknown, Reason: oneline.String(err)}
	}
	c.out.Identity = id
	c.namespaces()

	st, err := p.Status()
	if err != nil {
		if c.fail(err, PrivilegedContainers, Capabilities, Seccomp, PrivilegeEscalation, RunningAsNonRoot) {
			return
		}
	}
	lsmConfined, lsmKnown := c.lsm()
	if err == nil {
		c.status(st, lsmConfined, lsmKnown)
	}
	c.mounts()
	c.exe()
	c.secrets()
	c.listeners()
}

// hostNS reports whether p shares the host's namespace of that kind; ok is
// false when either side could not be read.
func (c *checker) hostNS(kind string) (shared, ok bool) {
	own, ok1 := c.ns[kind]
	host, ok2 := c.ref.Namespaces[kind]
	return ok1 && ok2 && own == host, ok1 && ok2
}

func (c *checker) namespaces() {
	if c.out.Identity.Runtime == Host {
		return // a host process is in the host's namespaces by definition
	}
	for _, k := range NamespaceKinds {
		shared, ok := c.hostNS(k)
		if !ok {
			c.unobserved(HostNamespaces, "ns/"+k+" or the reference's unreadable")
			continue
		}
		if !shared {
			continue
		}
		ctl, lvl := HostNamespaces, Baseline
		switch k {
		case "user":
			ctl, lvl = HostUserNamespace, Restricted
		case "cgroup", "mnt":
			// Beyond the standards' hostNetwork, hostPID and hostIPC (uts
			// goes with hostNetwork): a baseline pod cannot choose them, and
			// on cgroup v1 every container shares the host's cgroup one.
			lvl = Restricted
		}
		c.find(ctl, lvl, "ns/"+k, "%s:[%d] is the host's (pid %d)", k, c.ns[k], c.ref.PID)
	}
}

// lsm reads the LSM label: confined reports whether an AppArmor profile or
// SELinux type confines the process; known is false without an LSM.
func (c *checker) lsm() (confined, known bool) {
	if c.ref.LSM == proc.LSMNone {
		reason := "no LSM label: the kernel runs neither AppArmor nor SELinux (pid " + strconv.Itoa(c.ref.PID) + "'s attr/current: EINVAL)"
		c.unobserved(AppArmor, reason)
		c.unobserved(SELinux, reason)
		return false, false
	}
	a, err := c.p.Attr()
	if err != nil {
		c.fail(err, AppArmor, SELinux)
		return false, false
	}
	switch {
	case a.LSM == proc.LSMNone:
		reason := "no LSM label: the kernel runs neither AppArmor nor SELinux (attr/current: EINVAL)"
		c.unobserved(AppArmor, reason)
		c.unobserved(SELinux, reason)
		return false, false
	case a.LSM == proc.LSMAppArmor && a.Unconfined():
		c.find(AppArmor, Baseline, "attr/current", "%q", a.Label)
		return false, true
	case a.LSM == proc.LSMSELinux && a.Unconfined():
		c.find(SELinux, Baseline, "attr/current", "%q", a.Label)
		return false, true
	}
	return true, true
}

func (c *checker) status(st proc.Status, lsmConfined, lsmKnown bool) {
	full := c.ref.CapBnd != 0 && st.CapEff&c.ref.CapBnd == c.ref.CapBnd
	if c.ref.CapBnd == 0 {
		c.unobserved(PrivilegedContainers, "the reference's capability bounding set is unreadable or empty (pid "+strconv.Itoa(c.ref.PID)+"'s status): every capability cannot be told")
	}
	if full && st.Seccomp == proc.SeccompDisabled && !lsmConfined {
		lsm := "no LSM confinement"
		if !lsmKnown {
			lsm = "no LSM on this kernel"
		}
		c.find(PrivilegedContainers, Baseline, "status", "CapEff %016x (every capability of pid %d's bounding set), Seccomp 0, %s", uint64(st.CapEff), c.ref.PID, lsm)
	}
	reach := st.CapBnd | st.CapPrm | st.CapEff | st.CapAmb
	if extra := reach &^ baselineCaps; extra != 0 {
		c.find(Capabilities, Baseline, "status", "CapBnd %016x: %s beyond the baseline set", uint64(st.CapBnd), capNames(extra))
	}
	if extra := reach &^ restrictedCaps; extra != 0 {
		c.find(Capabilities, Restricted, "status", "CapBnd %016x: %s beyond NET_BIND_SERVICE", uint64(st.CapBnd), capNames(extra))
	}
	if st.Seccomp == proc.SeccompDisabled {
		c.find(Seccomp, Restricted, "status", "Seccomp 0 (no filter: Unconfined)")
	}
	if !st.NoNewPrivs {
		c.find(PrivilegeEscalation, Restricted, "status", "NoNewPrivs 0")
	}
	c.root(st)
}

func capNames(s proc.CapSet) string { return strings.Join(s.Names(), ",") }

// root reports uid 0 in the initial user namespace: the uid itself when p
// is in the host's user namespace, else through uid_map.
func (c *checker) root(st proc.Status) {
	uid := st.UID.Effective
	if st.UID.Real < uid {
		uid = st.UID.Real
	}
	shared, ok := c.hostNS("user")
	if !ok {
		c.unobserved(RunningAsNonRoot, "user namespace unknown")
		return
	}
	if shared {
		if uid == 0 {
			c.find(RunningAsNonRoot, Restricted, "status", "Uid %d %d %d %d in the host's user namespace", st.UID.Real, st.UID.Effective, st.UID.Saved, st.UID.FS)
		}
		return
	}
	b, err := c.p.ReadFile("uid_map")
	if err != nil {
		c.fail(err, RunningAsNonRoot)
		return
	}
	host, ok := mapID(b, uid)
	if ok && host == 0 {
		c.find(RunningAsNonRoot, Restricted, "uid_map", "uid %d maps to host uid 0 (%s)", uid, strings.Join(strings.Fields(string(b)), " "))
	}
}

// mapID maps id through a uid_map or gid_map ("inside outside count" lines).
func mapID(b []byte, id uint32) (uint32, bool) {
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		in, e1 := strconv.ParseUint(f[0], 10, 32)
		out, e2 := strconv.ParseUint(f[1], 10, 32)
		n, e3 := strconv.ParseUint(f[2], 10, 32)
		if e1 == nil && e2 == nil && e3 == nil && uint64(id) >= in && uint64(id) < in+n {
			return uint32(out + uint64(id) - in), true
		}
	}
	return 0, false
}

// mounts checks the root mount and the host paths visible in p's mount
// namespace.
func (c *checker) mounts() {
	mounts, err := c.mountInfo()
	if err != nil {
		c.fail(err, HostPathVolumes, ReadOnlyRootFilesystem)
		return
	}
	if c.out.Identity.Runtime == Unknown && strings.HasPrefix(c.out.Identity.Reason, "cgroup path hidden") {
		identityFromMounts(&c.out.Identity, mounts)
	}
	// The visible root is the last mount on "/".
	for i := len(mounts) - 1; i >= 0; i-- {
		if mounts[i].MountPoint == "/" {
			if !slices.Contains(mounts[i].Options, "ro") {
				c.find(ReadOnlyRootFilesystem, Restricted, "mountinfo", "/ %s (%s %s)", strings.Join(mounts[i].Options, ","), mounts[i].FSType, mounts[i].Source)
			}
			break
		}
	}
	shared, ok := c.hostNS("mnt")
	if !ok || c.ref.Mounts == nil {
		c.unobserved(HostPathVolumes, "the mount namespace or the reference's mountinfo unreadable")
		return
	}
	if shared {
		return // the host's own mounts; host-namespaces reports it
	}
	for _, m := range mounts {
		hp, ok := hostPath(m, c.ref.Mounts)
		if !ok {
			continue
		}
		for _, s := range sensitiveHostPaths {
			if hp == s || strings.HasPrefix(s, hp+"/") || hp == "/" {
				c.find(HostPathVolumes, Baseline, "mountinfo", "%s is the host's %s (%s %d:%d root %s)", m.MountPoint, hp, m.FSType, m.Major, m.Minor, m.Root)
				break
			}
		}
	}
}

// mountInfo reads p's mountinfo, or takes it from the scan's cache when a
// process with the same mount namespace and root was read before.
func (c *checker) mountInfo() ([]proc.Mount, error) {
	cache := c.opts.mounts
	mnt, ok := c.ns["mnt"]
	if cache == nil || !ok {
		return c.p.MountInfo()
	}
	root, err := c.p.Root()
	if err != nil {
		return c.p.MountInfo()
	}
	key := strconv.FormatUint(mnt, 10) + " " + root
	cache.mu.Lock()
	m, ok := cache.m[key]
	cache.mu.Unlock()
	if ok {
		return m, nil
	}
	m, err = c.p.MountInfo()
	if err == nil {
		cache.mu.Lock()
		cache.m[key] = m
		cache.mu.Unlock()
	}
	return m, err
}

// hostPath returns where on the host (in the reference's mounts) the mount
// m's root lies: a host mount of the same device whose root contains m's.
func hostPath(m proc.Mount, host []proc.Mount) (string, bool) {
	best, bestLen := "", -1
	for _, h := range host {
		if h.Major != m.Major || h.Minor != m.Minor {
			continue
		}
		rel, ok := underPath(m.Root, h.Root)
		if !ok || len(h.Root) <= bestLen {
			continue
		}
		best, bestLen = joinPath(h.MountPoint, rel), len(h.Root)
	}
	return best, bestLen >= 0
}

// underPath returns p relative to dir when p is dir or below it.
func underPath(p, dir string) (string, bool) {
	if dir == "/" {
		return p, true
	}
	if p == dir {
		return "/", true
	}
	if rest, ok := strings.CutPrefix(p, dir+"/"); ok {
		return "/" + rest, true
	}
	return "", false
}

func joinPath(dir, rel string) string {
	if rel == "/" {
		return dir
	}
	if dir == "/" {
		return rel
	}
	return dir + rel
}

func (c *checker) exe() {
	e, err := c.p.Exe()
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !errors.Is(err, proc.ErrGone) {
			return // a kernel thread has no executable
		}
		c.fail(err, DeletedExecutable)
		return
	}
	switch {
	case strings.HasPrefix(e.Path, "/memfd:"):
		c.find(DeletedExecutable, Baseline, "exe", "%q (a memfd: the program exists only in memory)", e.Path)
	case e.Deleted:
		c.find(DeletedExecutable, Baseline, "exe", "%q (deleted)", e.Path)
	}
}

// listeners reports sockets listening on all addresses of the host's
// network namespace.
func (c *checker) listeners() {
	shared, ok := c.hostNS("net")
	if !ok {
		c.unobserved(HostNetworkListener, "the network namespace unreadable")
		return
	}
	if !shared || c.out.Identity.Runtime == Host {
		return
	}
	fds, err := fd.List(c.p, &fd.Options{NoMode: true, Sockets: c.opts.Sockets})
	if err != nil {
		c.fail(err, HostNetworkListener)
		if fds == nil {
			return
		}
	}
	for _, f := range fds {
		s := f.Socket
		if s == nil || !s.Local.Addr().IsUnspecified() {
			continue
		}
		tcp := (s.Proto == "tcp" || s.Proto == "tcp6") && s.State == 10
		udp := (s.Proto == "udp" || s.Proto == "udp6") && s.State == 7 && s.Local.Port() != 0
		if tcp || udp {
			c.find(HostNetworkListener, Baseline, "net/"+s.Proto, "%s %s (socket:[%d], fd %d)", netip.AddrPortFrom(s.Local.Addr(), s.Local.Port()), s.StateName(), s.Inode, f.FD)
		}
	}
}
