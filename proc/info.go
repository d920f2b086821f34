package proc

import (
	"errors"
	"fmt"
	"io/fs"
)

// Info is everything this package reads about one process, gathered by
// [Process.Info]. A part that could not be read is nil (or empty) and its
// error is in Errors under the part's name, so the rest stays usable.
type Info struct {
	PID     int
	Stat    *Stat
	Status  *Status
	Comm    string
	Cmdline []string
	Exe     *Exe
	Cwd     string
	Root    string
	Tasks   []TaskInfo
	Cgroup  []Cgroup
	// Namespaces are the links of ns/ that could be read; a link that
	// could not is named in Errors as "ns NAME".
	Namespaces []Namespace
	Mounts     []Mount // mountinfo
	Attr       *Attr   // the LSM label; LSM "none" when no module labels processes
	Limits     []Limit
	Statm      *Statm
	// SmapsRollup is nil for a kernel thread or a zombie (the error in
	// Errors then matches [ErrNoAddressSpace]).
	SmapsRollup *SmapsRollup
	Maps        []Map
	IO          *IO
	OOMScoreAdj *int
	LoginUID    *AuditID
	SessionID   *AuditID
	// Errors maps the name of each part that could not be read ("stat",
	// "status", "comm", "cmdline", "exe", "cwd", "root", "tasks", "cgroup",
	// "ns", "ns NAME" for one link, "mountinfo", "attr", "limits",
	// "statm", "smaps_rollup", "maps", "io", "oom_score_adj", "loginuid",
	// "sessionid") to its error.
	Errors map[string]error
}

// TaskInfo is one thread in [Info].
type TaskInfo struct {
	TID  int
	Comm string
}

// Info reads every part of the process. It returns an error, matching
// fs.ErrNotExist, only when the process does not exist at all; otherwise
// unreadable parts are recorded in Info.Errors.
//
// A kernel thread has no exe, cwd or root: those parts are recorded in
// Errors with errors matching fs.ErrNotExist.
func (p Process) Info() (Info, error) {
	in := Info{PID: p.PID, Errors: map[string]error{}}
	note := func(part string, err error) bool {
		if err != nil {
			in.Errors[part] = err
			return false
		}
		return true
	}
	st, err := p.Stat()
	if errors.Is(err, fs.ErrNotExist) {
		return Info{}, fmt.Errorf("process %d: %w", p.PID, err)
	}
	if note("stat", err) {
		in.Stat = &st
	}
	if status, err := p.Status(); note("status", err) {
		in.Status = &status
	}
	comm, err := p.Comm()
	if note("comm", err) {
		in.Comm = comm
	} else if in.Stat != nil {
		in.Comm = in.Stat.Comm
	}
	if c, err := p.Cmdline(); note("cmdline", err) {
		in.Cmdline = c
	}
	if exe, err := p.Exe(); note("exe", err) {
		in.Exe = &exe
	}
	if cwd, err := p.Cwd(); note("cwd", err) {
		in.Cwd = cwd
	}
	if root, err := p.Root(); note("root", err) {
		in.Root = root
	}
	tasks, err := p.Tasks()
	if note("tasks", err) {
		for _, t := range tasks {
			c, err := t.Comm()
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue // the thread exited since the listing
				}
				note(fmt.Sprintf("task %d comm", t.TID), err)
			}
			in.Tasks = append(in.Tasks, TaskInfo{TID: t.TID, Comm: c})
		}
	}
	if cgs, err := p.Cgroup(); note("cgroup", err) {
		in.Cgroup = cgs
	}
	if ents, err := p.fs.ReadDir(p.Path("ns")); note("ns", err) {
		in.Namespaces = make([]Namespace, 0, len(ents))
		for _, e := range ents {
			if ns, err := p.Namespace(e.Name()); note("ns "+e.Name(), err) {
				in.Namespaces = append(in.Namespaces, ns)
			}
		}
	}
	if ms, err := p.MountInfo(); note("mountinfo", err) {
		in.Mounts = ms
	}
	if a, err := p.Attr(); note("attr", err) {
		in.Attr = &a
	}
	if ls, err := p.Limits(); note("limits", err) {
		in.Limits = ls
	}
	if s, err := p.Statm(); note("statm", err) {
		in.Statm = &s
	}
	if r, err := p.SmapsRollup(); note("smaps_rollup", err) {
		in.SmapsRollup = &r
	}
	if ms, err := p.Maps(); note("maps", err) {
		in.Maps = ms
	}
	if v, err := p.IO(); note("io", err) {
		in.IO = &v
	}
	if n, err := p.OOMScoreAdj(); note("oom_score_adj", err) {
		in.OOMScoreAdj = &n
	}
	if a, err := p.LoginUID(); note("loginuid", err) {
		in.LoginUID = &a
	}
	if a, err := p.SessionID(); note("sessionid", err) {
		in.SessionID = &a
	}
	// A process that exited while it was being read is gone, not partial.
	if err := p.fs.withFile(p.Path("stat"), func([]byte) error { return nil }); errors.Is(err, fs.ErrNotExist) {
		return Info{}, fmt.Errorf("process %d: %w", p.PID, err)
	}
	return in, nil
}
