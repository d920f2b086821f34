//go:build linux

// Inspect shows what a hardening guide reads from /proc by hand: a table of
// every process, or everything about one process.
//
//	inspect [-root DIR] [-json]          one line per process
//	inspect [-root DIR] [-json] PID      everything about PID
//
// The table has the columns PID, PPID, USER, THR (threads), FDS (open fds,
// counted without listing them), SECRETS (secrets found in the environment),
// FLAGS (deleted-exe, traced, env-secrets; "-" for none) and COMMAND (the
// command line, or [comm] for a process without one). A part that cannot be
// read shows as "?". One process's JSON holds the keys pid, ppid, comm,
// state, exe, exe_deleted, cmdline, cwd, root, uids, gids, threads,
// tracer_pid, seccomp, no_new_privs, cap_eff, tasks, fds, env, ancestors,
// cgroup (hierarchy_id, controllers, path, deleted), namespaces (name, type,
// inode), mounts (id, parent_id, dev, root, mount_point, options, optional,
// fstype, source, super_options; escapes decoded), lsm (lsm: none,
// apparmor, selinux, smack or unknown; label, profile, mode, type) and
// errors (part name -> message for each part that could not be read; that
// part is then absent). Environment values that are secrets are redacted.
//
// With -root, inspect reads a capture made by examples/capture instead of
// the live /proc. It exits 0 when the process existed, even with parts
// unreadable, and 1 with a one-line error when it does not.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/user"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/procscope/procscope/environ"
	"github.com/procscope/procscope/fd"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/tree"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "inspect:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fl.SetOutput(stderr)
	root := fl.String("root", "/proc", "proc tree to read: the live /proc or a capture")
	asJSON := fl.Bool("json", false, "print JSON")
	if err := fl.Parse(args); err != nil {
		return err
	}
	fsys := proc.NewDir(*root)
	switch fl.NArg() {
	case 0:
		return table(fsys, stdout, *asJSON)
	case 1:
		pid, err := strconv.Atoi(fl.Arg(0))
		if err != nil || pid <= 0 {
			return fmt.Errorf("bad pid %q", fl.Arg(0))
		}
		return one(fsys, pid, stdout, *asJSON)
	}
	return errors.New("usage: inspect [-root DIR] [-json] [PID]")
}

// row is one line of the table; a nil field could not be read.
type row struct {
	PID     int      `json:"pid"`
	PPID    *int     `json:"ppid"`
	User    *string  `json:"user"`
	Threads *int     `json:"threads"`
	FDs     *int     `json:"fds"`
	Secrets *int     `json:"secrets"`
	Flags   []string `json:"flags"`
	Command string   `json:"command"`
}

func table(fsys *proc.FS, w io.Writer, asJSON bool) error {
	users := userNames{}
	var rows []row
	for p, err := range fsys.All() {
		if err != nil {
			return err
		}
		r, ok := tableRow(p, users)
		if ok {
			rows = append(rows, r)
		}
	}
	if asJSON {
		return writeJSON(w, rows)
	}
	header := []string{"PID", "PPID", "USER", "THR", "FDS", "SECRETS", "FLAGS", "COMMAND"}
	cells := [][]string{header}
	for _, r := range rows {
		cells = append(cells, []string{strconv.Itoa(r.PID), orQ(r.PPID), strOrQ(r.User), orQ(r.Threads),
			orQ(r.FDs), orQ(r.Secrets), strings.Join(r.Flags, ","), escape(r.Command)})
	}
	return writeColumns(w, cells, "rrlrrrl")
}

// writeColumns prints cells in columns like ps: align gives each column but
// the last 'r' (right) or 'l' (left); the last column is not padded.
func writeColumns(w io.Writer, cells [][]string, align string) error {
	width := make([]int, len(align))
	for _, row := range cells {
		for i := range align {
			width[i] = max(width[i], len(row[i]))
		}
	}
	var b strings.Builder
	for _, row := range cells {
		b.Reset()
		for i, c := range row {
			switch {
			case i == len(align):
				b.WriteString(c)
			case align[i] == 'r':
				fmt.Fprintf(&b, "%*s ", width[i], c)
			default:
				fmt.Fprintf(&b, "%-*s ", width[i], c)
			}
		}
		b.WriteByte('\n')
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

// tableRow reads one process; ok is false when it exited meanwhile.
func tableRow(p proc.Process, users userNames) (r row, ok bool) {
	r.PID = p.PID
	st, err := p.Stat()
	if errors.Is(err, os.ErrNotExist) {
		return r, false
	}
	if err == nil {
		r.PPID, r.Threads = &st.PPID, &st.NumThreads
	}
	if status, err := p.Status(); err == nil {
		u := users.name(status.Uid.Real)
		r.User = &u
		if status.TracerPid != 0 {
			r.Flags = append(r.Flags, "traced")
		}
	}
	if n, err := fd.Count(p); err == nil {
		r.FDs = &n
	}
	if exe, err := p.Exe(); err == nil && exe.Deleted {
		r.Flags = append(r.Flags, "deleted-exe")
	}
	if n, err := environ.CountSecrets(p); err == nil {
		r.Secrets = &n
		if n > 0 {
			r.Flags = append(r.Flags, "env-secrets")
		}
	}
	if len(r.Flags) == 0 {
		r.Flags = []string{"-"}
	}
	if args, err := p.Cmdline(); err == nil && len(args) > 0 {
		r.Command = strings.Join(environ.RedactArgs(args), " ")
	} else if err == nil && st.Comm != "" {
		r.Command = "[" + st.Comm + "]"
	} else {
		r.Command = "?"
	}
	return r, true
}

// detail is the JSON form of one process.
type detail struct {
	PID        int               `json:"pid"`
	PPID       *int              `json:"ppid,omitempty"`
	Comm       string            `json:"comm"`
	State      string            `json:"state,omitempty"`
	Exe        *string           `json:"exe,omitempty"`
	ExeDeleted *bool             `json:"exe_deleted,omitempty"`
	Cmdline    []string          `json:"cmdline,omitzero"`
	Cwd        *string           `json:"cwd,omitempty"`
	Root       *string           `json:"root,omitempty"`
	UIDs       *[4]uint32        `json:"uids,omitempty"`
	GIDs       *[4]uint32        `json:"gids,omitempty"`
	Threads    *int              `json:"threads,omitempty"`
	TracerPID  *int              `json:"tracer_pid,omitempty"`
	Seccomp    *int              `json:"seccomp,omitempty"`
	NoNewPrivs *bool             `json:"no_new_privs,omitempty"`
	CapEff     string            `json:"cap_eff,omitempty"`
	Tasks      []task            `json:"tasks,omitzero"`
	FDs        []fd.Entry        `json:"fds,omitzero"`
	Env        []environ.Record  `json:"env,omitzero"`
	Ancestors  []tree.Ancestor   `json:"ancestors,omitzero"`
	Cgroup     []cgroup          `json:"cgroup,omitzero"`
	Namespaces []namespace       `json:"namespaces,omitzero"`
	Mounts     []mount           `json:"mounts,omitzero"`
	LSM        *lsm              `json:"lsm,omitempty"`
	Errors     map[string]string `json:"errors"`
}

// cgroup is one line of /proc/PID/cgroup.
type cgroup struct {
	HierarchyID int      `json:"hierarchy_id"`
	Controllers []string `json:"controllers"`
	Path        string   `json:"path"`
	Deleted     bool     `json:"deleted,omitempty"`
}

// namespace is one link of /proc/PID/ns.
type namespace struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Inode uint64 `json:"inode"`
}

// mount is one line of /proc/PID/mountinfo, escapes decoded.
type mount struct {
	ID           int      `json:"id"`
	ParentID     int      `json:"parent_id"`
	Dev          string   `json:"dev"` // "MAJOR:MINOR"
	Root         string   `json:"root"`
	MountPoint   string   `json:"mount_point"`
	Options      []string `json:"options"`
	Optional     []string `json:"optional,omitzero"`
	FSType       string   `json:"fstype"`
	Source       string   `json:"source"`
	SuperOptions []string `json:"super_options"`
}

// lsm is the security label of /proc/PID/attr.
type lsm struct {
	LSM     string `json:"lsm"` // "none", "apparmor", "selinux", "smack", "unknown"
	Label   string `json:"label,omitempty"`
	Profile string `json:"profile,omitempty"` // AppArmor
	Mode    string `json:"mode,omitempty"`    // AppArmor
	Type    string `json:"type,omitempty"`    // SELinux
}

type task struct {
	TID  int    `json:"tid"`
	Comm string `json:"comm"`
}

func one(fsys *proc.FS, pid int, w io.Writer, asJSON bool) error {
	p := fsys.Process(pid)
	info, err := p.Info()
	if err != nil {
		return err
	}
	d := detail{PID: pid, Comm: info.Comm, Cmdline: info.Cmdline, Errors: map[string]string{}}
	for part, err := range info.Errors {
		d.Errors[part] = err.Error()
	}
	if st := info.Stat; st != nil {
		d.PPID, d.State, d.Threads = &st.PPID, st.State.Letter(), &st.NumThreads
	}
	if e := info.Exe; e != nil {
		d.Exe, d.ExeDeleted = &e.Path, &e.Deleted
	}
	if _, bad := info.Errors["cwd"]; !bad {
		d.Cwd = &info.Cwd
	}
	if _, bad := info.Errors["root"]; !bad {
		d.Root = &info.Root
	}
	if s := info.Status; s != nil {
		uids := [4]uint32{s.Uid.Real, s.Uid.Effective, s.Uid.Saved, s.Uid.FS}
		gids := [4]uint32{s.Gid.Real, s.Gid.Effective, s.Gid.Saved, s.Gid.FS}
		seccomp := int(s.Seccomp)
		d.UIDs, d.GIDs, d.TracerPID, d.Seccomp, d.NoNewPrivs = &uids, &gids, &s.TracerPid, &seccomp, &s.NoNewPrivs
		d.CapEff = s.CapEff.String()
		if d.Threads == nil {
			d.Threads = &s.Threads
		}
	}
	if info.Cgroup != nil {
		d.Cgroup = []cgroup{}
		for _, c := range info.Cgroup {
			d.Cgroup = append(d.Cgroup, cgroup{HierarchyID: c.HierarchyID, Controllers: nonNil(c.Controllers), Path: c.Path, Deleted: c.Deleted})
		}
	}
	if info.Namespaces != nil {
		d.Namespaces = []namespace{}
		for _, n := range info.Namespaces {
			d.Namespaces = append(d.Namespaces, namespace(n))
		}
	}
	if info.Mounts != nil {
		d.Mounts = []mount{}
		for _, m := range info.Mounts {
			d.Mounts = append(d.Mounts, mount{ID: m.ID, ParentID: m.ParentID, Dev: fmt.Sprintf("%d:%d", m.Major, m.Minor),
				Root: m.Root, MountPoint: m.MountPoint, Options: m.Options, Optional: m.Optional, FSType: m.FSType,
				Source: m.Source, SuperOptions: m.SuperOptions})
		}
	}
	if a := info.Attr; a != nil {
		d.LSM = &lsm{LSM: string(a.LSM), Label: a.Label, Profile: a.Profile, Mode: a.Mode, Type: a.Context.Type}
	}
	if _, bad := info.Errors["tasks"]; !bad {
		d.Tasks = []task{}
		for _, t := range info.Tasks {
			d.Tasks = append(d.Tasks, task{TID: t.TID, Comm: t.Comm})
		}
	}
	// A part that was read is present, as an empty list if need be; a part
	// that was not is absent and named in errors.
	if d.FDs, err = fd.ListEntries(p); err != nil {
		d.Errors["fds"] = err.Error()
	} else {
		d.FDs = nonNil(d.FDs)
	}
	if d.Env, err = environ.ReadRecords(p, nil); err != nil {
		d.Errors["env"] = err.Error()
	} else {
		d.Env = nonNil(d.Env)
	}
	if d.Ancestors, err = tree.ReadAncestors(fsys, pid); err != nil {
		d.Errors["ancestors"] = err.Error()
	} else {
		d.Ancestors = nonNil(d.Ancestors)
	}
	if asJSON {
		return writeJSON(w, d)
	}
	return writeText(w, d)
}

func writeText(w io.Writer, d detail) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, v) }
	line("pid", strconv.Itoa(d.PID))
	if d.PPID != nil {
		line("ppid", strconv.Itoa(*d.PPID))
	}
	line("comm", escape(d.Comm))
	if d.State != "" {
		line("state", d.State)
	}
	if d.Exe != nil {
		e := escape(*d.Exe)
		if *d.ExeDeleted {
			e += " (deleted)"
		}
		line("exe", e)
	}
	if d.Cmdline != nil {
		line("cmdline", escape(strings.Join(environ.RedactArgs(d.Cmdline), " ")))
	}
	if d.Cwd != nil {
		line("cwd", escape(*d.Cwd))
	}
	if d.Root != nil {
		line("root", escape(*d.Root))
	}
	if d.UIDs != nil {
		line("uids", fmt.Sprint(d.UIDs[:]))
		line("gids", fmt.Sprint(d.GIDs[:]))
		line("tracer_pid", strconv.Itoa(*d.TracerPID))
		line("seccomp", strconv.Itoa(*d.Seccomp))
		line("no_new_privs", strconv.FormatBool(*d.NoNewPrivs))
		line("cap_eff", d.CapEff)
	}
	if d.Threads != nil {
		line("threads", strconv.Itoa(*d.Threads))
	}
	for _, t := range d.Tasks {
		line("task", fmt.Sprintf("%d %s", t.TID, escape(t.Comm)))
	}
	for _, a := range d.Ancestors {
		line("ancestor", fmt.Sprintf("%d %s", a.PID, escape(a.Comm)))
	}
	for _, f := range d.FDs {
		line("fd "+strconv.Itoa(f.FD), fmt.Sprintf("%s %s %s", f.Mode, f.Type, escape(f.Target)))
	}
	for _, e := range d.Env {
		v := "(no '=')"
		if e.Value != nil {
			v = *e.Value
		}
		line("env", escape(e.Name+"="+v))
	}
	if d.LSM != nil {
		v := d.LSM.LSM
		if d.LSM.Label != "" {
			v += " " + escape(d.LSM.Label)
		}
		line("lsm", v)
	}
	for _, c := range d.Cgroup {
		line("cgroup", escape(fmt.Sprintf("%d:%s:%s", c.HierarchyID, strings.Join(c.Controllers, ","), c.Path)))
	}
	for _, n := range d.Namespaces {
		line("ns "+n.Name, fmt.Sprintf("%s:[%d]", n.Type, n.Inode))
	}
	for _, m := range d.Mounts {
		line("mount "+strconv.Itoa(m.ID), escape(fmt.Sprintf("%s on %s type %s (%s) root %s parent %d dev %s",
			m.Source, m.MountPoint, m.FSType, strings.Join(m.Options, ","), m.Root, m.ParentID, m.Dev)))
	}
	for _, k := range slices.Sorted(maps.Keys(d.Errors)) {
		line("error "+k, d.Errors[k])
	}
	return tw.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// escape makes a string printable on one line, as ps does with a comm:
// control bytes and invalid UTF-8 become \xNN, a backslash stays itself.
func escape(s string) string {
	q := strconv.QuoteToGraphic(s)
	q = q[1 : len(q)-1]
	return strings.ReplaceAll(strings.ReplaceAll(q, `\"`, `"`), `\\`, `\`)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func orQ(n *int) string {
	if n == nil {
		return "?"
	}
	return strconv.Itoa(*n)
}

func strOrQ(s *string) string {
	if s == nil {
		return "?"
	}
	return *s
}

// userNames caches uid to user name lookups; a uid without a name is its
// number.
type userNames map[uint32]string

func (u userNames) name(uid uint32) string {
	if n, ok := u[uid]; ok {
		return n
	}
	n := strconv.FormatUint(uint64(uid), 10)
	if usr, err := user.LookupId(n); err == nil {
		n = usr.Username
	}
	u[uid] = n
	return n
}
