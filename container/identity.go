package container

import (
	"slices"
	"strconv"
	"strings"

	"github.com/procscope/procscope/proc"
)

// Runtime names the container runtime that made a process's cgroup.
type Runtime string

// The runtimes [Identify] recognises. A process outside any container is
// [Host]; a path none of the known layouts explains is [Unknown], with the
// raw path and the reason kept in the [Identity].
const (
	Docker     Runtime = "docker"
	Containerd Runtime = "containerd"
	CRIO       Runtime = "cri-o"
	Podman     Runtime = "podman"
	LXC        Runtime = "lxc"
	ECS        Runtime = "ecs"
	// CRI is a Kubernetes container whose cgroup is named by its bare id
	// under the kubelet's cgroupfs driver: containerd and Docker (through
	// dockershim or cri-dockerd) write the same path, so the path alone
	// does not tell which of them it is.
	CRI     Runtime = "cri"
	Host    Runtime = "host"
	Unknown Runtime = "unknown"
)

// QoS is the Kubernetes quality-of-service class of a pod, spelled as the
// Kubernetes API spells it.
type QoS string

// The QoS classes, from the kubelet's cgroup layout.
const (
	Guaranteed QoS = "Guaranteed"
	Burstable  QoS = "Burstable"
	BestEffort QoS = "BestEffort"
)

// Driver is the cgroup manager that created the path: systemd (slices and
// scopes) or cgroupfs (plain directories).
type Driver string

// The cgroup drivers.
const (
	Systemd  Driver = "systemd"
	Cgroupfs Driver = "cgroupfs"
)

// Version is the cgroup version a process's cgroup file shows.
type Version string

// The cgroup versions: v1 (only controller hierarchies in use), v2 (the
// single unified hierarchy, one "0::" line) and hybrid (v1 controllers and
// the unified hierarchy mounted side by side).
const (
	V1     Version = "v1"
	V2     Version = "v2"
	Hybrid Version = "hybrid"
)

// Identity is which container (and pod) a process belongs to, as its
// cgroup tells.
type Identity struct {
	Runtime     Runtime `json:"runtime"`
	ContainerID string  `json:"container_id,omitempty"`
	PodUID      string  `json:"pod_uid,omitempty"` // with dashes, as the Kubernetes API writes it
	QoS         QoS     `json:"qos,omitempty"`
	Driver      Driver  `json:"cgroup_driver,omitempty"`
	Version     Version `json:"cgroup_version,omitempty"`
	// MonitorOf is set for a runtime's per-container monitor (CRI-O's and
	// podman's conmon, LXC's monitor): the id or name of the container it
	// watches. A monitor runs on the host, outside the container, so its
	// ContainerID is empty and it is not grouped with the container.
	MonitorOf string `json:"monitor_of,omitempty"`
	// Path is the raw cgroup path the identity was read from.
	Path string `json:"cgroup_path"`
	// Reason says why Runtime is Unknown (or why the pod is known but the
	// container is not); for a path hidden by a cgroup namespace, it also
	// says when the container id or pod UID came from the bind mounts.
	Reason string `json:"reason,omitempty"`
}

// InContainer reports whether the identity names a container.
func (id Identity) InContainer() bool { return id.ContainerID != "" }

// IdentifyPath tells the identity a single cgroup path gives (Version is
// not set: it needs the whole file). It never guesses: a path that none of
// the documented layouts explains is [Unknown] with a reason.
func IdentifyPath(path string) Identity {
	id := Identity{Path: path}
	segs := splitPath(path)
	if k := kubeIndex(segs); k >= 0 {
		kubeIdentity(&id, segs, k)
		return id
	}
	if kubeRelative(&id, segs) {
		return id
	}
	// Outside Kubernetes, the innermost container segment wins (docker in
	// docker: /docker/<outer>/docker/<inner>); segments below it are
	// cgroups the container made inside its own.
	for i := len(segs) - 1; i >= 0; i-- {
		if plainSegment(&id, segs, i) {
			return id
		}
	}
	if isHostPath(segs) {
		id.Runtime = Host
		if len(segs) > 0 {
			id.Driver = Systemd
		}
		return id
	}
	id.Runtime = Unknown
	if hexRun(path) {
		id.Reason = "a container-like id under an unknown layout"
	} else {
		id.Reason = "no known container runtime layout"
	}
	return id
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// kubeIndex returns the index of the kubelet's root segment: "kubepods"
// (cgroupfs), "kubepods.slice" (systemd), or a single segment in the
// systemd form "kubepods-...slice:prefix:id" that runc's cgroupfs manager
// creates literally when given a systemd cgroupsPath. -1 when absent.
func kubeIndex(segs []string) int {
	for i, s := range segs {
		if s == "kubepods" || s == "kubepods.slice" || (strings.HasPrefix(s, "kubepods-") && strings.Contains(s, ".slice:")) {
			return i
		}
	}
	return -1
}

func kubeIdentity(id *Identity, segs []string, k int) {
	s := segs[k]
	rest := segs[k+1:]
	switch {
	case s == "kubepods": // cgroupfs: kubepods/[burstable|besteffort/]pod<uid>/<container>
		id.Driver = Cgroupfs
		id.QoS = Guaranteed
		if len(rest) > 0 && (rest[0] == "burstable" || rest[0] == "besteffort") {
			id.QoS = qosOf(rest[0])
			rest = rest[1:]
		}
		if len(rest) == 0 {
			id.Runtime, id.QoS, id.Reason = Unknown, "", "in the kubelet's cgroup, not a pod's"
			return
		}
		uid, ok := strings.CutPrefix(rest[0], "pod")
		if !ok || !podUID(uid) {
			id.Runtime, id.QoS, id.Reason = Unknown, "", "kubepods child is not a pod"
			return
		}
		id.PodUID = uid
		kubeContainer(id, rest[1:])
	case s == "kubepods.slice": // systemd: kubepods.slice/[kubepods-<qos>.slice/]kubepods-[<qos>-]pod<uid>.slice/<container>
		id.Driver = Systemd
		if len(rest) > 0 && (rest[0] == "kubepods-burstable.slice" || rest[0] == "kubepods-besteffort.slice") {
			rest = rest[1:]
		}
		if len(rest) == 0 {
			id.Runtime, id.Reason = Unknown, "in the kubelet's cgroup, not a pod's"
			return
		}
		qos, uid, ok := podSlice(rest[0])
		if !ok {
			id.Runtime, id.Reason = Unknown, "kubepods child is not a pod slice"
			return
		}
		id.QoS, id.PodUID = qos, uid
		kubeContainer(id, rest[1:])
	default: // kubepods-<qos>-pod<uid>.slice:<prefix>:<id>
		id.Driver = Cgroupfs
		slice, unit, _ := strings.Cut(s, ":")
		prefix, cid, ok := strings.Cut(unit, ":")
		qos, uid, ok2 := podSlice(slice)
		if !ok || !ok2 {
			id.Runtime, id.Reason = Unknown, "malformed systemd-style kubepods name"
			return
		}
		id.QoS, id.PodUID = qos, uid
		rt := map[string]Runtime{"cri-containerd": Containerd, "crio": CRIO, "docker": Docker}[prefix]
		if rt == "" || !containerID(cid) {
			id.Runtime, id.Reason = Unknown, "unknown runtime prefix "+quote(prefix)+" in the pod's cgroup"
			return
		}
		id.Runtime, id.ContainerID = rt, cid
	}
}

// kubeRelative recognises a pod in a path read from inside a cgroup
// namespace (cgroup_namespaces(7); the exporter in its pod): the path is
// relative to the reader's cgroup, starts with "..", and may have lost the
// kubelet's root, but the pod's own segment still names the pod (and, with
// the systemd driver, its QoS class).
func kubeRelative(id *Identity, segs []string) bool {
	n := 0
	for n < len(segs) && segs[n] == ".." {
		n++
	}
	if n == 0 {
		return false
	}
	rest := segs[n:]
	for i := 0; i < len(rest) && i < 2; i++ {
		s := rest[i]
		if i == 1 && rest[0] != "kubepods-burstable.slice" && rest[0] != "kubepods-besteffort.slice" &&
			rest[0] != "burstable" && rest[0] != "besteffort" {
			return false
		}
		if qos, uid, ok := podSlice(s); ok {
			id.Driver, id.QoS, id.PodUID = Systemd, qos, uid
			kubeContainer(id, rest[i+1:])
			return true
		}
		if uid, ok := strings.CutPrefix(s, "pod"); ok && podUID(uid) {
			id.Driver, id.PodUID = Cgroupfs, uid
			kubeContainer(id, rest[i+1:])
			if i == 1 {
				id.QoS = qosOf(rest[0])
			} else {
				// Guaranteed (under kubepods) or the reader's own class:
				// the path does not tell.
				reason := "the QoS class is not in a path relative to the reader's cgroup namespace"
				if id.Reason != "" {
					reason = id.Reason + "; " + reason
				}
				id.Reason = reason
			}
			return true
		}
	}
	return false
}

// kubeContainer identifies the segment below a pod's cgroup.
func kubeContainer(id *Identity, rest []string) {
	if len(rest) == 0 {
		id.Runtime, id.Reason = Unknown, "in the pod's cgroup, not a container's"
		return
	}
	s := rest[0]
	if cid, ok := cutID(s, "crio-conmon-", ".scope"); ok {
		id.Runtime, id.MonitorOf = CRIO, cid
		return
	}
	if cid, ok := cutID(s, "crio-conmon-", ""); ok {
		id.Runtime, id.MonitorOf = CRIO, cid
		return
	}
	for _, p := range []struct {
		prefix, suffix string
		rt             Runtime
	}{
		{"cri-containerd-", ".scope", Containerd},
		{"crio-", ".scope", CRIO},
		{"crio-", "", CRIO},
		{"docker-", ".scope", Docker},
		{"", "", CRI},
	} {
		if cid, ok := cutID(s, p.prefix, p.suffix); ok {
			id.Runtime, id.ContainerID = p.rt, cid
			return
		}
	}
	id.Runtime, id.Reason = Unknown, "unknown container cgroup "+quote(s)+" in a pod"
}

// plainSegment recognises the container layouts outside Kubernetes at
// segs[i] and fills id when one matches.
func plainSegment(id *Identity, segs []string, i int) bool {
	s := segs[i]
	parent := ""
	if i > 0 {
		parent = segs[i-1]
	}
	set := func(rt Runtime, d Driver, cid string) bool {
		id.Runtime, id.Driver, id.ContainerID = rt, d, cid
		return true
	}
	if cid, ok := cutID(s, "docker-", ".scope"); ok {
		return set(Docker, Systemd, cid)
	}
	if parent == "docker" && containerID(s) {
		return set(Docker, Cgroupfs, s)
	}
	if cid, ok := cutID(s, "libpod-conmon-", ".scope"); ok {
		id.Runtime, id.Driver, id.MonitorOf = Podman, Systemd, cid
		return true
	}
	if cid, ok := cutID(s, "libpod-", ".scope"); ok {
		return set(Podman, Systemd, cid)
	}
	if cid, ok := cutID(s, "libpod-", ""); ok && parent == "libpod_parent" {
		return set(Podman, Cgroupfs, cid)
	}
	if cid, ok := cutID(s, "cri-containerd-", ".scope"); ok {
		return set(Containerd, Systemd, cid)
	}
	if i >= 2 && segs[0] == "ecs" && (containerID(s) || ecsTaskContainer(s)) {
		return set(ECS, Cgroupfs, s)
	}
	if i == 1 && segs[0] == "ecs" && ecsTaskContainer(s) {
		return set(ECS, Cgroupfs, s)
	}
	// LXC 4.0 and later: lxc.payload.<name>; earlier: lxc/<name>. The
	// monitor process sits in lxc.monitor.<name>.
	if name, ok := strings.CutPrefix(s, "lxc.payload."); ok && name != "" {
		return set(LXC, Cgroupfs, name)
	}
	if parent == "lxc.payload" {
		return set(LXC, Cgroupfs, s)
	}
	if parent == "lxc" {
		return set(LXC, Cgroupfs, s)
	}
	if name, ok := strings.CutPrefix(s, "lxc.monitor."); ok && name != "" {
		id.Runtime, id.Driver, id.MonitorOf = LXC, Cgroupfs, name
		return true
	}
	if parent == "lxc.monitor" {
		id.Runtime, id.Driver, id.MonitorOf = LXC, Cgroupfs, s
		return true
	}
	return false
}

// isHostPath reports whether the path is the root or made only of systemd
// units (user.slice/user-1000.slice/session-2.scope, system.slice/x.service,
// init.scope): a process no container runtime placed.
func isHostPath(segs []string) bool {
	// Read from inside a cgroup namespace, the path climbs out of the
	// reader's cgroup first ("/../../system.slice/x.service"); what follows
	// is the path below the common ancestor. Nothing but ".." tells nothing.
	if len(segs) > 0 && segs[0] == ".." {
		for len(segs) > 0 && segs[0] == ".." {
			segs = segs[1:]
		}
		if len(segs) == 0 {
			return false
		}
	}
	for _, s := range segs {
		if hexRun(s) {
			return false
		}
		ok := false
		for _, suf := range []string{".slice", ".service", ".scope", ".socket", ".mount", ".swap"} {
			if strings.HasSuffix(s, suf) && len(s) > len(suf) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// cutID returns the id in s = prefix+id+suffix when id is a container id.
func cutID(s, prefix, suffix string) (string, bool) {
	if !strings.HasPrefix(s, prefix) || !strings.HasSuffix(s, suffix) || len(s) < len(prefix)+len(suffix) {
		return "", false
	}
	cid := s[len(prefix) : len(s)-len(suffix)]
	return cid, containerID(cid)
}

// containerID reports whether s is a 64-digit lowercase hex id, as Docker,
// containerd, CRI-O and podman make.
func containerID(s string) bool { return len(s) == 64 && isHex(s) }

// ecsTaskContainer matches the id ECS on Fargate gives a container:
// 32 hex digits, '-', a decimal number.
func ecsTaskContainer(s string) bool {
	h, n, ok := strings.Cut(s, "-")
	return ok && len(h) == 32 && isHex(h) && n != "" && strings.Trim(n, "0123456789") == ""
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return s != ""
}

// hexRun reports whether s holds 32 or more hex digits in a row: the mark
// of a generated id.
func hexRun(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if '0' <= c && c <= '9' || 'a' <= c && c <= 'f' {
			n++
			if n >= 32 {
				return true
			}
		} else {
			n = 0
		}
	}
	return false
}

// podUID reports whether s is a pod UID: a UUID with dashes, or the 32 hex
// digits of a static pod's config hash.
func podUID(s string) bool {
	if len(s) == 32 {
		return isHex(s)
	}
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if s[i] != '-' {
				return false
			}
		} else if !isHex(s[i : i+1]) {
			return false
		}
	}
	return true
}

// podSlice parses the systemd slice of a pod, kubepods-[<qos>-]pod<uid>.slice,
// where systemd wrote the UID's dashes as underscores.
func podSlice(s string) (QoS, string, bool) {
	s, ok := strings.CutSuffix(s, ".slice")
	if !ok {
		return "", "", false
	}
	s, ok = strings.CutPrefix(s, "kubepods-")
	if !ok {
		return "", "", false
	}
	qos := Guaranteed
	for _, q := range []string{"burstable", "besteffort"} {
		if rest, ok := strings.CutPrefix(s, q+"-"); ok {
			qos, s = qosOf(q), rest
		}
	}
	uid, ok := strings.CutPrefix(s, "pod")
	if !ok || strings.Contains(uid, "-") {
		return "", "", false
	}
	uid = strings.ReplaceAll(uid, "_", "-")
	if !podUID(uid) {
		return "", "", false
	}
	return qos, uid, true
}

func qosOf(s string) QoS {
	switch s {
	case "burstable":
		return Burstable
	case "besteffort":
		return BestEffort
	}
	return Guaranteed
}

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return strconv.Quote(s)
}

// Identify tells the identity a whole /proc/PID/cgroup file gives. Every
// hierarchy's path is examined: a container found in any of them wins (the
// others may sit elsewhere, as a v1 controller the runtime did not join);
// two hierarchies naming different containers give Unknown. Otherwise the
// unified (0::) path, then name=systemd's, then the first, is reported.
//
// Version is V2 for a file with the single 0:: line, Hybrid when v1 lines
// come with a unified path other than the root, V1 otherwise; a caller that
// knows cgroup2 is mounted beside v1 controllers (from mountinfo) raises V1
// to Hybrid.
func Identify(lines []proc.Cgroup) Identity {
	if len(lines) == 0 {
		return Identity{Runtime: Unknown, Reason: "empty cgroup file"}
	}
	var v1, unified bool
	unifiedPath := ""
	var order []string // distinct paths, preferred first
	add := func(p string) {
		if !slices.Contains(order, p) {
			order = append(order, p)
		}
	}
	for _, l := range lines {
		if l.V2() {
			unified, unifiedPath = true, l.Path
		} else {
			v1 = true
		}
	}
	// The unified path first, unless it is the unused root of a v1 host.
	if unified && (!v1 || unifiedPath != "/") {
		add(unifiedPath)
	}
	for _, l := range lines {
		if slices.Contains(l.Controllers, "name=systemd") {
			add(l.Path)
		}
	}
	for _, l := range lines {
		add(l.Path)
	}
	version := V1
	switch {
	case unified && !v1:
		version = V2
	case unified && unifiedPath != "/":
		version = Hybrid
	}

	var found *Identity
	var first Identity
	allHost := true
	for i, p := range order {
		id := IdentifyPath(p)
		if i == 0 {
			first = id
		}
		if id.Runtime != Host {
			allHost = false
		}
		if id.ContainerID == "" && id.MonitorOf == "" && id.PodUID == "" {
			continue
		}
		if found == nil {
			found = &id
			continue
		}
		if found.ContainerID != id.ContainerID || found.MonitorOf != id.MonitorOf || found.PodUID != id.PodUID {
			return Identity{Runtime: Unknown, Version: version, Path: found.Path,
				Reason: "cgroup hierarchies disagree: " + quote(found.Path) + " and " + quote(id.Path)}
		}
	}
	switch {
	case found != nil:
		found.Version = version
		return *found
	case allHost:
		first.Version = version
		return first
	}
	for _, p := range order {
		if id := IdentifyPath(p); id.Runtime == Unknown {
			id.Version = version
			return id
		}
	}
	first.Version = version
	return first
}
