package container

import (
	"cmp"
	"context"
	"errors"
	"io/fs"
	"slices"
	"strconv"

	"github.com/procscope/procscope/fd"
	"github.com/procscope/procscope/proc"
)

// Group is the processes of one container (or, for processes outside any
// container, of one host or unknown cgroup path), and their findings.
type Group struct {
	Identity Identity  `json:"identity"`
	PIDs     []int     `json:"pids"`
	Findings []Finding `json:"findings"`
}

// Key returns what processes are grouped by: the container id; for a
// monitor, "monitor:" and the id it watches; otherwise the runtime and the
// cgroup path.
func (g Group) Key() string { return groupKey(g.Identity) }

func groupKey(id Identity) string {
	switch {
	case id.ContainerID != "":
		return string(id.Runtime) + ":" + id.ContainerID
	case id.MonitorOf != "":
		return string(id.Runtime) + ":monitor:" + id.MonitorOf
	case id.Runtime == Host:
		return "host"
	}
	return string(id.Runtime) + ":" + id.Path
}

// Snapshot is every process of a /proc tree, grouped by container.
type Snapshot struct {
	Reference *Reference
	Processes []Posture           // by pid
	Groups    []Group             // containers first (by runtime and id), then the rest
	Pods      map[string][]string // pod UID -> container ids, sorted
	// Failures holds, in pid order, one entry per process read only in
	// part, or not at all, other than those that exited before anything
	// was read (which are left out): see [proc.Failure] for which are
	// expected. A process read in part is also in Processes.
	Failures []proc.Failure
}

// Scan checks every process of fsys against ref (nil: [HostReference]),
// reading each file once, each network namespace's tables once, and the
// mount table once per mount namespace and root directory. It stops
// early, returning what it has and ctx's error, when ctx is cancelled.
func Scan(ctx context.Context, fsys *proc.FS, ref *Reference, opts *Options) (*Snapshot, error) {
	if ref == nil {
		r, err := HostReference(fsys)
		if err != nil {
			return nil, err
		}
		ref = r
	}
	o := Options{}
	if opts != nil {
		o = *opts
	}
	if o.Sockets == nil {
		o.Sockets = fd.NewSocketCache()
	}
	o.mounts = &mountCache{m: map[string][]proc.Mount{}}
	snap := &Snapshot{Reference: ref, Pods: map[string][]string{}}
	for p, err := range fsys.All() {
		if cerr := ctx.Err(); cerr != nil {
			finish(snap)
			return snap, cerr
		}
		if err != nil {
			snap.Failures = append(snap.Failures, proc.Failure{PID: p.PID, Err: err})
			continue
		}
		post, err := Check(p, ref, &o)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && post.Identity.Path == "" {
				continue // exited before anything was read
			}
			snap.Failures = append(snap.Failures, proc.Failure{PID: p.PID, Err: err})
		}
		snap.Processes = append(snap.Processes, post)
	}
	finish(snap)
	return snap, nil
}

func finish(snap *Snapshot) {
	byKey := map[string]*Group{}
	var keys []string
	for _, p := range snap.Processes {
		k := groupKey(p.Identity)
		g := byKey[k]
		if g == nil {
			id := p.Identity
			g = &Group{Identity: id, Findings: []Finding{}}
			byKey[k] = g
			keys = append(keys, k)
		}
		g.PIDs = append(g.PIDs, p.PID)
		g.Findings = append(g.Findings, p.Findings...)
		if id := p.Identity; id.PodUID != "" && id.ContainerID != "" && !slices.Contains(snap.Pods[id.PodUID], id.ContainerID) {
			snap.Pods[id.PodUID] = append(snap.Pods[id.PodUID], id.ContainerID)
		}
	}
	for _, ids := range snap.Pods {
		slices.Sort(ids)
	}
	snap.Groups = snap.Groups[:0]
	for _, k := range keys {
		snap.Groups = append(snap.Groups, *byKey[k])
	}
	slices.SortFunc(snap.Groups, func(a, b Group) int {
		ac, bc := a.Identity.ContainerID != "", b.Identity.ContainerID != ""
		if ac != bc {
			if ac {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.Identity.Runtime, b.Identity.Runtime), cmp.Compare(a.Key(), b.Key()))
	})
}

// Containers returns the container id -> pids map of the snapshot.
func (s *Snapshot) Containers() map[string][]int {
	out := map[string][]int{}
	for _, g := range s.Groups {
		if g.Identity.ContainerID != "" {
			out[g.Identity.ContainerID] = g.PIDs
		}
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
