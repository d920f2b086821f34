package container

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/procscope/procscope/internal/oneline"
	"github.com/procscope/procscope/proc"
)

// NamespaceKinds are the namespaces compared with the host's, as named in
// /proc/PID/ns.
var NamespaceKinds = []string{"net", "pid", "ipc", "uts", "user", "cgroup", "mnt"}

// Reference is what a process is compared with: the host's namespaces,
// mounts and capability bounding set, read from one process (pid 1 by
// default).
type Reference struct {
	PID        int               // the process the reference was read from
	Namespaces map[string]uint64 // namespace kind -> inode, for the kinds that could be read
	Mounts     []proc.Mount      // its mountinfo; nil when unreadable
	CapBnd     proc.CapSet       // its bounding set: "every capability" for the privileged control
	// LSM is the security module labelling its processes. LSMNone (no
	// module is active) is a property of the kernel: [Check] then reads no
	// process's label. "" when unknown.
	LSM proc.LSM
	// Note says why the reference is not pid 1 (pid 1 unreadable, as in some
	// sandboxes), or what of it could not be read.
	Note string
}

// HostReference reads the host reference from pid 1. Where pid 1's
// namespaces cannot be read, it falls back to the calling process's own
// (/proc/self) and says so in Note; where neither can be read it returns an
// error.
func HostReference(fsys *proc.FS) (*Reference, error) {
	ref, err1 := ReferenceOf(fsys.Process(1))
	if err1 == nil {
		return ref, nil
	}
	self, err := fsys.ReadLink("self")
	if err == nil {
		if pid, err := strconv.Atoi(self); err == nil && pid > 0 {
			ref, err := ReferenceOf(fsys.Process(pid))
			if err == nil {
				ref.Note = "pid 1 unreadable (" + oneline.String(err1) + "): compared with the caller's own namespaces (pid " + self + ")"
				return ref, nil
			}
		}
	}
	return nil, fmt.Errorf("host reference: %w", err1)
}

// ReferenceOf reads the reference from the process p. It fails only when
// none of p's namespace links can be read.
func ReferenceOf(p proc.Process) (*Reference, error) {
	ref := &Reference{PID: p.PID, Namespaces: map[string]uint64{}}
	var errs []error
	for _, k := range NamespaceKinds {
		ino, err := readNS(p, k)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ref.Namespaces[k] = ino
	}
	if len(ref.Namespaces) == 0 {
		return nil, oneline.Join(errs)
	}
	var notes []string
	if len(errs) > 0 {
		notes = append(notes, oneline.Join(errs).Error())
	}
	if m, err := p.MountInfo(); err != nil {
		notes = append(notes, err.Error())
	} else {
		ref.Mounts = m
	}
	if st, err := p.Status(); err != nil {
		notes = append(notes, err.Error())
	} else {
		ref.CapBnd = st.CapBnd
	}
	if a, err := p.Attr(); err == nil {
		ref.LSM = a.LSM
	}
	ref.Note = strings.ReplaceAll(strings.Join(notes, "; "), "\n", "; ")
	return ref, nil
}

// readNS reads /proc/PID/ns/KIND and returns the namespace's inode.
func readNS(p proc.Process, kind string) (uint64, error) {
	ns, err := p.Namespace(kind)
	return ns.Inode, err
}

// unifiedMounted reports whether a cgroup2 file system is among mounts.
func unifiedMounted(mounts []proc.Mount) bool {
	for _, m := range mounts {
		if m.FSType == "cgroup2" {
			return true
		}
	}
	return false
}

// Read returns the identity of p from its cgroup file. With a reference,
// a v1 file on a host where cgroup2 is mounted beside the v1 controllers
// is Hybrid, and a process whose path is hidden by a cgroup namespace of
// its own is Unknown with that reason (its path is relative to the
// namespace's root). May return an error wrapping [fs.ErrNotExist] (the
// process is gone) or [fs.ErrPermission].
func Read(p proc.Process, ref *Reference) (Identity, error) {
	return readIdentity(p, ref, 0)
}

// readIdentity is Read with the cgroup namespace already read (0: not yet).
func readIdentity(p proc.Process, ref *Reference, cgroupNS uint64) (Identity, error) {
	lines, err := p.Cgroup()
	if err != nil {
		return Identity{}, err
	}
	id := Identify(lines)
	if ref == nil {
		return id, nil
	}
	if id.Version == V1 && unifiedMounted(ref.Mounts) {
		id.Version = Hybrid
	}
	if id.InContainer() || id.MonitorOf != "" || id.PodUID != "" {
		return id, nil
	}
	host, ok := ref.Namespaces["cgroup"]
	if !ok {
		return id, nil
	}
	own := cgroupNS
	if own == 0 {
		own, err = readNS(p, "cgroup")
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return id, err
			}
			return id, nil // the path is what it is; the namespace is unknown
		}
	}
	if own != host {
		id.Runtime = Unknown
		id.Driver = ""
		id.Reason = fmt.Sprintf("cgroup path hidden by a cgroup namespace (cgroup:[%d], host cgroup:[%d])", own, host)
	}
	return id, nil
}
