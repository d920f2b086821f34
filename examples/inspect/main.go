//go:build linux

// Inspect shows what a hardening guide reads from /proc by hand: a table of
// every process, or everything about one process.
//
//	inspect [-root DIR] [-json] [-show-secrets]          one line per process
//	inspect [-root DIR] [-json] [-show-secrets] PID      everything about PID
//
// The table has the columns PID, PPID, USER, THR (threads), FDS (open fds,
// counted without listing them), SECRETS (secrets found in the environment),
// FLAGS (deleted-exe, traced, env-secrets; "-" for none) and COMMAND (the
// command line, or [comm] for a process without one). A part that cannot be
// read shows as "?". One process's JSON holds the keys pid, ppid, comm,
// state, exe, exe_deleted, cmdline, cmdline_base64 (only when an argument
// is not valid UTF-8: every argument's bytes in base64), cwd, root, uids,
// gids, threads, tracer_pid, seccomp, no_new_privs, cap_eff, tasks, fds,
// env, ancestors, cgroup (hierarchy_id, controllers, path, deleted),
// namespaces (name, type, inode), mounts (id, parent_id, dev, root,
// mount_point, options, optional, fstype, source, super_options; escapes
// decoded), lsm (lsm: none, apparmor, selinux, smack or unknown; label,
// profile, mode, type), limits (resource as prlimit names it, soft, hard: a
// number or "unlimited", unit), statm (size, resident, shared, text, data;
// pages), smaps_rollup (rss, pss, pss_anon, pss_file, pss_shmem,
// shared_clean, shared_dirty, private_clean, private_dirty, anonymous, swap,
// swap_pss, locked; bytes), maps (address, perms, offset, dev, inode, path),
// io (rchar, wchar, syscr, syscw, read_bytes, write_bytes,
// cancelled_write_bytes), oom_score_adj, loginuid and sessionid (a number,
// or "unset") and errors (part name -> message for each part that could not
// be read; that part is then absent).
//
// Secrets are redacted in every output, text and JSON alike: an environment
// value or a command-line argument that is a secret prints as
// <redacted:REASON> (the table's COMMAND, cmdline, env). -show-secrets
// prints them in clear. Text output prints a string holding control bytes,
// invalid UTF-8 or other non-printable runes Go-quoted ("a\nb"), so every
// row stays one line and nothing reaches the terminal raw; JSON holds the
// exact strings, except that encoding/json replaces invalid UTF-8 with
// U+FFFD (cmdline_base64 and the env entries' name_base64/value_base64 then
// keep the bytes; comm, exe and fd names do not).
//
// With -root, inspect reads a capture made by examples/capture instead of
// the live /proc. It exits 0 when the process existed, even with parts
// unreadable, and 1 with a one-line error when it does not.
package main

import (
	"encoding/json"
	"errors"
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
	"github.com/procscope/procscope/internal/cli"
	"github.com/procscope/procscope/proc"
)

func main() {
	cli.Exit("inspect", run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) error {
	fl := cli.NewFlagSet("inspect", stderr,
		"inspect [-root DIR] [-json] [PID]")
	root := fl.String("root", "/proc", "proc tree to read: the live /proc or a capture")
	asJSON := fl.Bool("json", false, "print JSON")
	sec := cli.SecretsFlag(fl)
	if err := cli.Parse(fl, args, stdout); err != nil {
		return err
	}
	fsys, err := cli.OpenRoot(*root)
	if err != nil {
		return err
	}
	switch fl.NArg() {
	case 0:
		return table(fsys, stdout, *asJSON, *sec)
	case 1:
		pid, err := strconv.Atoi(fl.Arg(0))
		if err != nil || pid <= 0 {
			return fmt.Errorf("bad pid %q", fl.Arg(0))
		}
		return one(fsys, pid, stdout, *asJSON, *sec)
	}
	return errors.New("usage: inspect [-root DIR] [-json] [-show-secrets] [PID]")
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

func table(fsys *proc.FS, w io.Writer, asJSON bool, sec cli.Secrets) error {
	users := userNames{}
	var rows []row
	for p, err := range fsys.All() {
		if err != nil {
			return err
		}
		r, ok := tableRow(p, users, sec)
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
		cells = append(cells, []string{strconv.Itoa(r.PID), orQ(r.PPID), cli.Escape(strOrQ(r.User)), orQ(r.Threads),
			orQ(r.FDs), orQ(r.Secrets), strings.Join(r.Flags, ","), cli.Escape(r.Command)})
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
func tableRow(p proc.Process, users userNames, sec cli.Secrets) (r row, ok bool) {
	r.PID = p.PID
	st, err := p.Stat()
	if errors.Is(err, os.ErrNotExist) {
		return r, false
	}
	if err == nil {
		r.PPID, r.Threads = &st.PPID, &st.NumThreads
	}
	if status, err := p.Status(); err == nil {
		u := users.name(status.UID.Real)
		r.User = &u
		if status.TracerPID != 0 {
			r.Flags = append(r.Flags, "traced")
		}
	}
	if n, err := fd.Count(p); err == nil {
		r.FDs = &n
	}
	if exe, err := p.Exe(); err == nil && exe.Deleted {
		r.Flags = append(r.Flags, "deleted-exe")
	}
	if env, err := environ.Read(p); err == nil {
		n := len(env.Secrets())
		r.Secrets = &n
		if n > 0 {
			r.Flags = append(r.Flags, "env-secrets")
		}
	}
	if len(r.Flags) == 0 {
		r.Flags = []string{"-"}
	}
	if args, err := sec.Cmdline(p); err == nil && args.Len() > 0 {
		r.Command = args.String()
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
	Cmdline    cli.Args          `json:"cmdline,omitzero"`
	CmdlineB64 []string          `json:"cmdline_base64,omitempty"`
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
	FDs        []fd.FD           `json:"fds,omitzero"`
	Env        cli.Env           `json:"env,omitzero"`
	Ancestors  []ancestor        `json:"ancestors,omitzero"`
	Cgroup     []cgroup          `json:"cgroup,omitzero"`
	Namespaces []namespace       `json:"namespaces,omitzero"`
	Mounts     []mount           `json:"mounts,omitzero"`
	LSM        *lsm              `json:"lsm,omitempty"`
	Limits     []limit           `json:"limits,omitzero"`
	Statm      *statm            `json:"statm,omitempty"`
	Rollup     *rollup           `json:"smaps_rollup,omitempty"`
	Maps       []mapping         `json:"maps,omitzero"`
	IO         *ioCounters       `json:"io,omitempty"`
	OOMScore   *int              `json:"oom_score_adj,omitempty"`
	LoginUID   *auditID          `json:"loginuid,omitempty"`
	SessionID  *auditID          `json:"sessionid,omitempty"`
	Errors     map[string]string `json:"errors"`
}

// limit is one line of /proc/PID/limits, named as prlimit names it.
type limit struct {
	Resource string     `json:"resource"`
	Soft     limitValue `json:"soft"`
	Hard     limitValue `json:"hard"`
	Unit     string     `json:"unit,omitempty"`
}

// limitValue is a number, or the string "unlimited".
type limitValue uint64

func (v limitValue) String() string {
	if uint64(v) == proc.Unlimited {
		return "unlimited"
	}
	return strconv.FormatUint(uint64(v), 10)
}

func (v limitValue) MarshalJSON() ([]byte, error) {
	if uint64(v) == proc.Unlimited {
		return []byte(`"unlimited"`), nil
	}
	return []byte(v.String()), nil
}

func (v *limitValue) UnmarshalJSON(b []byte) error {
	if string(b) == `"unlimited"` {
		*v = limitValue(proc.Unlimited)
		return nil
	}
	n, err := strconv.ParseUint(string(b), 10, 64)
	*v = limitValue(n)
	return err
}

// auditID is a number, or the string "unset".
type auditID proc.AuditID

func (a auditID) MarshalJSON() ([]byte, error) {
	if !proc.AuditID(a).IsSet() {
		return []byte(`"unset"`), nil
	}
	return []byte(proc.AuditID(a).String()), nil
}

func (a *auditID) UnmarshalJSON(b []byte) error {
	if string(b) == `"unset"` {
		*a = auditID(proc.AuditUnset)
		return nil
	}
	n, err := strconv.ParseUint(string(b), 10, 32)
	*a = auditID(n)
	return err
}

// statm is /proc/PID/statm, in pages.
type statm struct {
	Size     uint64 `json:"size"`
	Resident uint64 `json:"resident"`
	Shared   uint64 `json:"shared"`
	Text     uint64 `json:"text"`
	Data     uint64 `json:"data"`
}

// rollup is the main sums of /proc/PID/smaps_rollup, in bytes.
type rollup struct {
	Rss          uint64 `json:"rss"`
	Pss          uint64 `json:"pss"`
	PssAnon      uint64 `json:"pss_anon"`
	PssFile      uint64 `json:"pss_file"`
	PssShmem     uint64 `json:"pss_shmem"`
	SharedClean  uint64 `json:"shared_clean"`
	SharedDirty  uint64 `json:"shared_dirty"`
	PrivateClean uint64 `json:"private_clean"`
	PrivateDirty uint64 `json:"private_dirty"`
	Anonymous    uint64 `json:"anonymous"`
	Swap         uint64 `json:"swap"`
	SwapPss      uint64 `json:"swap_pss"`
	Locked       uint64 `json:"locked"`
}

// mapping is one line of /proc/PID/maps.
type mapping struct {
	Address string `json:"address"` // "START-END" in hex, as maps shows it
	Perms   string `json:"perms"`
	Offset  uint64 `json:"offset"`
	Dev     string `json:"dev"` // "MAJOR:MINOR"
	Inode   uint64 `json:"inode"`
	Path    string `json:"path,omitempty"`
}

// ioCounters is /proc/PID/io.
type ioCounters struct {
	RChar               uint64 `json:"rchar"`
	WChar               uint64 `json:"wchar"`
	SyscR               uint64 `json:"syscr"`
	SyscW               uint64 `json:"syscw"`
	ReadBytes           uint64 `json:"read_bytes"`
	WriteBytes          uint64 `json:"write_bytes"`
	CancelledWriteBytes uint64 `json:"cancelled_write_bytes"`
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

func one(fsys *proc.FS, pid int, w io.Writer, asJSON bool, sec cli.Secrets) error {
	p := fsys.Process(pid)
	info, err := p.Info()
	if err != nil {
		return err
	}
	d := detail{PID: pid, Comm: info.Comm, Cmdline: sec.Args(info.Cmdline), Errors: map[string]string{}}
	d.CmdlineB64 = d.Cmdline.Base64()
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
		uids := [4]uint32{s.UID.Real, s.UID.Effective, s.UID.Saved, s.UID.FS}
		gids := [4]uint32{s.GID.Real, s.GID.Effective, s.GID.Saved, s.GID.FS}
		seccomp := int(s.Seccomp)
		d.UIDs, d.GIDs, d.TracerPID, d.Seccomp, d.NoNewPrivs = &uids, &gids, &s.TracerPID, &seccomp, &s.NoNewPrivs
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
	if info.Limits != nil {
		d.Limits = []limit{}
		for _, l := range info.Limits {
			name := l.Resource.String()
			if l.Resource == proc.ResourceUnknown {
				name = l.Name
			}
			d.Limits = append(d.Limits, limit{Resource: name, Soft: limitValue(l.Soft), Hard: limitValue(l.Hard), Unit: l.Unit})
		}
	}
	if m := info.Statm; m != nil {
		d.Statm = &statm{Size: m.Size, Resident: m.Resident, Shared: m.Shared, Text: m.Text, Data: m.Data}
	}
	if r := info.SmapsRollup; r != nil {
		d.Rollup = &rollup{Rss: r.RSS, Pss: r.PSS, PssAnon: r.PSSAnon, PssFile: r.PSSFile, PssShmem: r.PSSShmem,
			SharedClean: r.SharedClean, SharedDirty: r.SharedDirty, PrivateClean: r.PrivateClean, PrivateDirty: r.PrivateDirty,
			Anonymous: r.Anonymous, Swap: r.Swap, SwapPss: r.SwapPSS, Locked: r.Locked}
	}
	if info.Maps != nil {
		d.Maps = []mapping{}
		for _, m := range info.Maps {
			d.Maps = append(d.Maps, mapping{Address: fmt.Sprintf("%x-%x", m.Start, m.End), Perms: m.Perms.String(),
				Offset: m.Offset, Dev: fmt.Sprintf("%d:%d", m.Major, m.Minor), Inode: m.Inode, Path: m.Path})
		}
	}
	if v := info.IO; v != nil {
		io := ioCounters(*v)
		d.IO = &io
	}
	d.OOMScore = info.OOMScoreAdj
	if a := info.LoginUID; a != nil {
		id := auditID(*a)
		d.LoginUID = &id
	}
	if a := info.SessionID; a != nil {
		id := auditID(*a)
		d.SessionID = &id
	}
	if _, bad := info.Errors["tasks"]; !bad {
		d.Tasks = []task{}
		for _, t := range info.Tasks {
			d.Tasks = append(d.Tasks, task{TID: t.TID, Comm: t.Comm})
		}
	}
	// A part that was read is present, as an empty list if need be; a part
	// that was not is absent and named in errors.
	// fdinfo read and files stat'ed, so that every JSON field is filled.
	if d.FDs, err = fd.List(p, &fd.Options{Info: true, Stat: true}); err != nil {
		d.Errors["fds"] = err.Error()
	} else {
		d.FDs = nonNil(d.FDs)
	}
	if env, err := environ.Read(p); err != nil {
		d.Errors["env"] = err.Error()
	} else {
		d.Env = sec.Env(env)
	}
	// The ancestors start from the stat Info read: not read twice.
	if info.Stat != nil {
		d.Ancestors = ancestorsOf(fsys, *info.Stat)
	} else if err := info.Errors["stat"]; err != nil {
		d.Errors["ancestors"] = err.Error()
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
	line("comm", cli.Escape(d.Comm))
	if d.State != "" {
		line("state", d.State)
	}
	if d.Exe != nil {
		e := cli.Escape(*d.Exe)
		if *d.ExeDeleted {
			e += " (deleted)"
		}
		line("exe", e)
	}
	if !d.Cmdline.IsZero() {
		line("cmdline", cli.Escape(d.Cmdline.String()))
	}
	if d.Cwd != nil {
		line("cwd", cli.Escape(*d.Cwd))
	}
	if d.Root != nil {
		line("root", cli.Escape(*d.Root))
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
		line("task", fmt.Sprintf("%d %s", t.TID, cli.Escape(t.Comm)))
	}
	for _, a := range d.Ancestors {
		line("ancestor", fmt.Sprintf("%d %s", a.PID, cli.Escape(a.Comm)))
	}
	for _, f := range d.FDs {
		line("fd "+strconv.Itoa(f.FD), fmt.Sprintf("%s %s %s", f.Mode, f.Type, cli.Escape(f.Target)))
	}
	for _, e := range d.Env.Lines() {
		if !strings.Contains(e, "=") { // a name holds no '=': an entry without one
			e += "=(no '=')"
		}
		line("env", cli.Escape(e))
	}
	if d.LSM != nil {
		v := d.LSM.LSM
		if d.LSM.Label != "" {
			v += " " + cli.Escape(d.LSM.Label)
		}
		line("lsm", v)
	}
	for _, c := range d.Cgroup {
		line("cgroup", cli.Escape(fmt.Sprintf("%d:%s:%s", c.HierarchyID, strings.Join(c.Controllers, ","), c.Path)))
	}
	for _, n := range d.Namespaces {
		line("ns "+n.Name, fmt.Sprintf("%s:[%d]", n.Type, n.Inode))
	}
	for _, m := range d.Mounts {
		line("mount "+strconv.Itoa(m.ID), cli.Escape(fmt.Sprintf("%s on %s type %s (%s) root %s parent %d dev %s",
			m.Source, m.MountPoint, m.FSType, strings.Join(m.Options, ","), m.Root, m.ParentID, m.Dev)))
	}
	for _, l := range d.Limits {
		line("limit "+cli.Escape(l.Resource), strings.TrimSpace(fmt.Sprintf("%s %s %s", l.Soft, l.Hard, l.Unit)))
	}
	if m := d.Statm; m != nil {
		line("statm", fmt.Sprintf("size %d resident %d shared %d text %d data %d (pages)", m.Size, m.Resident, m.Shared, m.Text, m.Data))
	}
	if r := d.Rollup; r != nil {
		line("smaps_rollup", fmt.Sprintf("rss %d kB pss %d kB anonymous %d kB swap %d kB locked %d kB", r.Rss>>10, r.Pss>>10, r.Anonymous>>10, r.Swap>>10, r.Locked>>10))
	}
	for _, m := range d.Maps {
		line("map", cli.Escape(strings.TrimSpace(fmt.Sprintf("%s %s %08x %s %d %s", m.Address, m.Perms, m.Offset, m.Dev, m.Inode, m.Path))))
	}
	if v := d.IO; v != nil {
		line("io", fmt.Sprintf("rchar %d wchar %d syscr %d syscw %d read_bytes %d write_bytes %d cancelled_write_bytes %d",
			v.RChar, v.WChar, v.SyscR, v.SyscW, v.ReadBytes, v.WriteBytes, v.CancelledWriteBytes))
	}
	if d.OOMScore != nil {
		line("oom_score_adj", strconv.Itoa(*d.OOMScore))
	}
	if d.LoginUID != nil {
		line("loginuid", proc.AuditID(*d.LoginUID).String())
	}
	if d.SessionID != nil {
		line("sessionid", proc.AuditID(*d.SessionID).String())
	}
	for _, k := range slices.Sorted(maps.Keys(d.Errors)) {
		line("error "+k, cli.Escape(d.Errors[k]))
	}
	return tw.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// ancestor is one entry of -json's "ancestors": {"pid": N, "comm": "name"}.
type ancestor struct {
	PID  int    `json:"pid"`
	Comm string `json:"comm"`
}

// readAncestors returns pid's ancestors from its parent up to the root,
// reading only the stat files along the way: the cheap way to fill
// "ancestors" without a whole tree.Scan. The chain stops at a PPID of 0, at
// a parent that has exited or cannot be read, and at a parent that started
// after its child (its pid was reused). It returns an error only when pid's
// own stat cannot be read: one matching fs.ErrNotExist when the process
// does not exist.
func readAncestors(fsys *proc.FS, pid int) ([]ancestor, error) {
	st, err := fsys.Process(pid).Stat()
	if err != nil {
		return nil, err
	}
	return ancestorsOf(fsys, st), nil
}

// ancestorsOf is readAncestors of the process whose stat st was read
// already.
func ancestorsOf(fsys *proc.FS, st proc.Stat) []ancestor {
	a := []ancestor{}
	for seen := 0; st.PPID != 0 && st.PPID != st.PID && seen < 1<<16; seen++ {
		p, err := fsys.Process(st.PPID).Stat()
		if err != nil || p.StartTime > st.StartTime {
			break
		}
		a = append(a, ancestor{PID: p.PID, Comm: p.Comm})
		st = p
	}
	return a
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
