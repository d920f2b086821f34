package proctest

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/procscope/procscope/proc"
)

// Tree is a /proc tree to build: a set of processes, written by [Tree.FS] or
// [Tree.Dir] in the kernel's formats. The zero Tree is an empty tree.
type Tree struct {
	Processes []Process

	// Kernel is the kernel release recorded in capture.json;
	// "" means "6.12.0-proctest".
	Kernel string
	// Time is the capture time recorded in capture.json; the zero value
	// means 2026-01-01T00:00:00Z, so that output is reproducible.
	Time time.Time
}

// Process is one process of a [Tree]. The zero value of every field but
// PID is usable and gives the default documented beside it.
type Process struct {
	PID  int // required, > 0
	PPID int // 0 for a root such as init or kthreadd

	// Comm is the command name, raw bytes: it may hold parentheses,
	// blanks, a newline or invalid UTF-8. Like the kernel, the builder
	// keeps the first 15 bytes. "" means "proctest".
	Comm string
	// State is the state letter of stat and status; zero means
	// [proc.Sleeping] ([proc.Idle] for a kernel thread). [proc.Zombie]
	// makes a zombie: no command line,
	// environment, executable, working directory, fds or memory, as the
	// kernel shows a process that exited and was not reaped.
	State proc.State
	// Kernel makes a kernel thread: PF_KTHREAD in stat, "Kthread: 1" in
	// status, no command line, environment, executable, fds or memory.
	Kernel bool
	// Gone makes a process that exits between the listing of /proc and
	// the reading of its files: its directory is listed, and reading any
	// file in it fails with ESRCH (errors match [proc.ErrGone] and
	// [fs.ErrNotExist]).
	Gone bool

	Cmdline []string // argv, each argument written NUL-terminated; nil is an empty cmdline
	Environ []string // NAME=VALUE entries, written NUL-terminated; bytes kept exactly

	// Exe is the executable's path; "" means "/usr/bin/proctest". With
	// ExeDeleted the exe link reads "PATH (deleted)" and the file behind
	// it has no links left, as for a binary replaced by a package upgrade.
	Exe        string
	ExeDeleted bool
	Cwd        string // the working directory; "" means "/"
	Root       string // the root directory; "" means "/"

	UID, GID  uint32   // real, effective, saved and file system IDs alike
	Groups    []uint32 // supplementary groups
	TracerPid int      // the pid of a tracer attached with ptrace, 0 for none

	// Threads are the threads besides the thread group leader, which is
	// always written as task/PID.
	Threads []Thread
	// FDs are the open files, made with [File], [PipeRead], [PipeWrite],
	// [TCP], [UDP], [UnixListener], [UnixConn], [Netlink], [Eventfd], [Epoll], [Timerfd], [Signalfd],
	// [Inotify] or [Pidfd].
	FDs []FD

	// Caps are the capability sets of status; nil means those of a
	// process started without file capabilities: CapPrm, CapEff and CapBnd
	// full (41 capabilities) for UID 0, only CapBnd full otherwise.
	Caps           *Caps
	NoNewPrivs     bool
	Seccomp        proc.SeccompMode
	SeccompFilters int // the number of filters, for [proc.SeccompFilter]

	// Cgroup is the process's cgroup v2 path ("0::PATH"); "" means "/".
	Cgroup string
	// Namespaces maps a namespace link name ("net", "pid", "mnt", ...) to
	// its inode. Links not named get the inode of the initial namespace;
	// "pid" and "time" set pid_for_children and time_for_children too
	// unless those are named. Processes with equal "net" inodes share their
	// network tables.
	Namespaces map[string]uint64
	// Limits overrides rows of the limits file (by Resource: only Soft
	// and Hard are taken); the others have the
	// defaults of a shell started by root (NOFILE 1024:4096, STACK 8 MiB
	// soft, CORE 0 soft, the rest unlimited or typical). Use
	// [proc.Unlimited] for "unlimited".
	Limits []proc.Limit
	// Label is the LSM label in attr/current, such as "unconfined",
	// "/usr/bin/x (enforce)" or "system_u:system_r:init_t:s0", ended as
	// the module ends it: a newline for AppArmor, a NUL for an SELinux
	// context (user:role:type[:level], no blank). A label that already
	// ends in either is written as is. "" means no LSM: reading
	// attr/current fails with EINVAL, as it does on such a kernel.
	Label string
	// OOMScoreAdj is the value of oom_score_adj (-1000 to 1000).
	OOMScoreAdj int
	// LoginUID and SessionID are the audit login uid and session; zero
	// means unset (4294967295), as for a process not started from a login.
	LoginUID, SessionID uint32
	// StartTime is the start time in clock ticks after boot (stat field
	// 22); 0 means 1000+PID, so that parents start before children with
	// higher pids.
	StartTime uint64
	// RSSPages is the resident set in pages (stat, statm, status, smaps);
	// 0 means 256 for a user process.
	RSSPages uint64

	// Refused lists files, relative to the process directory ("environ",
	// "fd", "fdinfo/3", "task/12/stat"), that cannot be read: reading them
	// fails with EACCES, matching [fs.ErrPermission], as another user's
	// process does. A refused directory has no entries written.
	Refused []string
	// Files adds files or replaces the generated ones, relative to the
	// process directory ("limits", "attr/current", "net/tcp"), written
	// verbatim: for formats the fields above do not cover, or for a
	// malformed file.
	Files map[string]string
}

// Caps are the capability sets of a [Process], as status prints them.
type Caps struct {
	Inh, Prm, Eff, Bnd, Amb proc.CapSet
}

// Thread is a thread of a [Process] besides the thread group leader.
type Thread struct {
	TID   int        // required, > 0, distinct from every pid of the tree
	Comm  string     // "" means the process's Comm
	State proc.State // zero means [proc.Sleeping]
}

// The inodes of the initial namespaces, as a recent kernel numbers them.
var initNamespaces = map[string]uint64{
	"cgroup": 4026531835, "ipc": 4026531839, "mnt": 4026531841, "net": 4026531840,
	"pid": 4026531836, "pid_for_children": 4026531836, "time": 4026531834,
	"time_for_children": 4026531834, "user": 4026531837, "uts": 4026531838,
}

// captureNetTables are the tables written under PID/net, the ones
// [proc.Capture] copies.
var captureNetTables = []string{"tcp", "tcp6", "udp", "udp6", "udplite", "udplite6", "raw", "raw6", "unix", "packet", "netlink"}

// file is one entry of a built tree.
type file struct {
	data string
	link bool
}

// built is a tree turned into files and capture metadata.
type built struct {
	files map[string]file
	dirs  []string // directories that must exist even when empty
	info  proc.CaptureInfo
}

// MapFS returns the tree's files, capture.json included, as a
// [testing/fstest.MapFS]: symbolic links are entries with
// [fs.ModeSymlink]. It fails when the tree is inconsistent: a pid or tid
// given twice or not positive, an fd number used twice in a process, an
// epoll instance watching an fd that is not open.
func (t *Tree) MapFS() (fstest.MapFS, error) {
	b, err := t.build()
	if err != nil {
		return nil, err
	}
	m := fstest.MapFS{}
	for name, f := range b.files {
		if f.link {
			m[name] = &fstest.MapFile{Data: []byte(f.data), Mode: fs.ModeSymlink | 0o777}
		} else {
			m[name] = &fstest.MapFile{Data: []byte(f.data), Mode: 0o444}
		}
	}
	for _, d := range b.dirs {
		if !hasPrefixEntry(m, d) {
			m[d] = &fstest.MapFile{Mode: fs.ModeDir | 0o555}
		}
	}
	js, err := json.MarshalIndent(b.info, "", "  ")
	if err != nil {
		return nil, err
	}
	m[proc.CaptureFile] = &fstest.MapFile{Data: append(js, '\n'), Mode: 0o444}
	return m, nil
}

func hasPrefixEntry(m fstest.MapFS, dir string) bool {
	for name := range m {
		if strings.HasPrefix(name, dir+"/") {
			return true
		}
	}
	return false
}

// FS returns the tree in memory as a [*proc.FS], failing the test when the
// tree is inconsistent (see [Tree.MapFS]).
func (t *Tree) FS(tb testing.TB) *proc.FS {
	tb.Helper()
	m, err := t.MapFS()
	if err != nil {
		tb.Fatalf("proctest: %v", err)
	}
	return proc.New(m)
}

// Dir writes the tree into a new temporary directory ([testing.T.TempDir]),
// laid out as a capture with real symbolic links, and returns it opened
// with [proc.NewDir], so that readers take the code path of a capture read
// from disk. The directory is removed when the test ends.
func (t *Tree) Dir(tb testing.TB) *proc.FS {
	tb.Helper()
	dir := tb.TempDir()
	if err := t.WriteDir(dir); err != nil {
		tb.Fatalf("proctest: %v", err)
	}
	return Capture(tb, dir)
}

// WriteDir writes the tree into the existing directory dir as [proc.Capture]
// does: directories 0700, files 0600, links as symbolic links, and
// capture.json.
func (t *Tree) WriteDir(dir string) error {
	b, err := t.build()
	if err != nil {
		return err
	}
	names := make([]string, 0, len(b.files))
	for name := range b.files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, d := range b.dirs {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o700); err != nil {
			return err
		}
	}
	for _, name := range names {
		f := b.files[name]
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		if f.link {
			err = os.Symlink(f.data, p)
		} else {
			err = os.WriteFile(p, []byte(f.data), 0o600)
		}
		if err != nil {
			return err
		}
	}
	js, err := json.MarshalIndent(b.info, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, proc.CaptureFile), append(js, '\n'), 0o600)
}

// builder holds the state of one build: the inodes handed out, so that one
// path has one inode across the tree, and the sockets of each network
// namespace.
type builder struct {
	t       *Tree
	b       *built
	nextIno uint64
	paths   map[string]uint64   // file path -> inode
	sockets map[uint64][]socket // net namespace inode -> sockets
	anonIno uint64
}

func (t *Tree) build() (*built, error) {
	bd := &builder{
		t: t,
		b: &built{files: map[string]file{}, info: proc.CaptureInfo{
			Time:   t.Time,
			Kernel: t.Kernel,
			Links:  map[string]proc.CapturedLink{},
			Errors: map[string]string{},
		}},
		nextIno: 100000,
		paths:   map[string]uint64{},
		sockets: map[uint64][]socket{},
	}
	if bd.b.info.Time.IsZero() {
		bd.b.info.Time = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if bd.b.info.Kernel == "" {
		bd.b.info.Kernel = "6.12.0-proctest"
	}
	bd.anonIno = bd.ino()
	ids := map[int]bool{}
	for i := range t.Processes {
		p := &t.Processes[i]
		if p.PID <= 0 {
			return nil, fmt.Errorf("process %d: pid %d is not positive", i, p.PID)
		}
		for _, id := range append([]int{p.PID}, threadIDs(p)...) {
			if id <= 0 || ids[id] {
				return nil, fmt.Errorf("process %d: pid or tid %d given twice or not positive", p.PID, id)
			}
			ids[id] = true
		}
		fds := map[int]bool{}
		for _, f := range p.FDs {
			if f.Num < 0 || fds[f.Num] {
				return nil, fmt.Errorf("process %d: fd %d given twice or negative", p.PID, f.Num)
			}
			fds[f.Num] = true
		}
		for _, f := range p.FDs {
			for _, w := range f.watched {
				if !fds[w] {
					return nil, fmt.Errorf("process %d: epoll fd %d watches fd %d, which is not open", p.PID, f.Num, w)
				}
			}
		}
		bd.b.info.PIDs = append(bd.b.info.PIDs, p.PID)
	}
	slices.Sort(bd.b.info.PIDs)
	// Sockets first: every process of a namespace sees all its sockets.
	procs := make([]*proc_, len(t.Processes))
	for i := range t.Processes {
		procs[i] = bd.prepare(&t.Processes[i])
	}
	for _, p := range procs {
		bd.process(p)
	}
	if len(bd.b.info.Errors) == 0 {
		bd.b.info.Errors = nil
	}
	return bd.b, nil
}

func threadIDs(p *Process) []int {
	ids := make([]int, len(p.Threads))
	for i, th := range p.Threads {
		ids[i] = th.TID
	}
	return ids
}

func (bd *builder) ino() uint64 { bd.nextIno++; return bd.nextIno }

// pathIno returns the inode of a file path, the same for every use.
func (bd *builder) pathIno(p string) uint64 {
	if n, ok := bd.paths[p]; ok {
		return n
	}
	n := bd.ino()
	bd.paths[p] = n
	return n
}

// proc_ is a process with its defaults filled in and its fds resolved.
type proc_ struct {
	*Process
	dir     string
	comm    string
	state   proc.State
	exe     string
	netns   uint64
	fds     []resolvedFD
	refused map[string]bool
	noMem   bool // zombie or kernel thread: no address space
}

func (bd *builder) prepare(p *Process) *proc_ {
	r := &proc_{Process: p, dir: strconv.Itoa(p.PID), refused: map[string]bool{}}
	r.comm = p.Comm
	if r.comm == "" {
		r.comm = "proctest"
	}
	r.comm = truncComm(r.comm)
	r.state = p.State
	if r.state == 0 {
		r.state = proc.Sleeping
	}
	if p.Kernel && p.State == 0 {
		r.state = proc.Idle
	}
	r.noMem = p.Kernel || r.state == proc.Zombie
	r.exe = p.Exe
	if r.exe == "" {
		r.exe = "/usr/bin/proctest"
	}
	r.netns = r.ns("net")
	for _, name := range p.Refused {
		r.refused[path.Clean(name)] = true
	}
	if !r.noMem && !p.Gone {
		for _, f := range p.FDs {
			r.fds = append(r.fds, bd.resolve(r, f))
		}
		slices.SortFunc(r.fds, func(a, b resolvedFD) int { return a.Num - b.Num })
	}
	return r
}

func truncComm(s string) string {
	if len(s) > 15 {
		return s[:15]
	}
	return s
}

func (p *proc_) ns(name string) uint64 {
	if n, ok := p.Namespaces[name]; ok {
		return n
	}
	if base, ok := strings.CutSuffix(name, "_for_children"); ok {
		if n, ok := p.Namespaces[base]; ok {
			return n
		}
	}
	return initNamespaces[name]
}

// goneFiles are the files and directories of a process that vanished.
var goneFiles = []string{
	"stat", "status", "comm", "cmdline", "environ", "statm", "maps", "io", "limits", "cgroup",
	"mountinfo", "oom_score_adj", "loginuid", "sessionid", "wchan", "smaps_rollup", "attr", "uid_map", "gid_map",
	"exe", "cwd", "root", "fd", "fdinfo", "ns", "net", "task",
}

// put writes a file of p, unless it is refused (recorded) or shadowed by
// p.Files.
func (bd *builder) put(p *proc_, name, data string) {
	if p.refusedPath(name) {
		bd.b.info.Errors[p.dir+"/"+name] = "EACCES"
		return
	}
	if _, ok := p.Files[name]; ok {
		return
	}
	bd.b.files[p.dir+"/"+name] = file{data: data}
}

// refusedPath reports whether name or a directory above it is refused.
// Only the refused name itself is recorded.
func (p *proc_) refusedPath(name string) bool {
	if p.refused[name] {
		return true
	}
	for d := path.Dir(name); d != "."; d = path.Dir(d) {
		if p.refused[d] {
			return true
		}
	}
	return false
}

func (bd *builder) putLink(p *proc_, name, target string, l proc.CapturedLink) {
	if p.refusedPath(name) {
		bd.b.info.Errors[p.dir+"/"+name] = "EACCES"
		return
	}
	if _, ok := p.Files[name]; ok {
		return
	}
	bd.b.files[p.dir+"/"+name] = file{data: target, link: true}
	bd.b.info.Links[p.dir+"/"+name] = l
}

// The devices of the default mounts, in the kernel's encoding of st_dev.
const (
	rootDev  = 254<<8 | 1 // fe:01, mount 22
	sockDev  = 8          // 0:8, sockfs
	pipeDev  = 13         // 0:13, pipefs
	anonDev  = 14         // 0:14, anon_inodefs
	rootMnt  = 22
	sockMnt  = 8
	pipeMnt  = 13
	anonMnt  = 14
	pageSize = 4096
)

func (bd *builder) process(p *proc_) {
	if p.Gone {
		// The directory is listed; every file in it answers ESRCH, as
		// the kernel does once the process was reaped, and as a capture
		// records a process that exited while it was copied.
		bd.b.dirs = append(bd.b.dirs, p.dir)
		for _, name := range goneFiles {
			bd.b.info.Errors[p.dir+"/"+name] = "ESRCH"
		}
		return
	}
	for name := range p.refused {
		bd.b.info.Errors[p.dir+"/"+name] = "EACCES"
	}
	nthreads := 1 + len(p.Threads)
	if p.state == proc.Zombie {
		nthreads = 1
	}
	bd.put(p, "stat", formatStat(p, p.PID, p.comm, p.state, nthreads))
	bd.put(p, "status", formatStatus(p, p.PID, p.comm, p.state, nthreads))
	bd.put(p, "comm", p.comm+"\n")
	bd.put(p, "cmdline", nulList(p.Cmdline, p.noMem))
	bd.put(p, "environ", nulList(p.Environ, p.noMem))
	bd.put(p, "statm", formatStatm(p))
	bd.put(p, "maps", bd.formatMaps(p))
	bd.put(p, "io", formatIO(p))
	bd.put(p, "limits", formatLimits(p.Limits))
	bd.put(p, "cgroup", "0::"+cmpOr(p.Cgroup, "/")+"\n")
	bd.put(p, "mountinfo", defaultMountInfo)
	bd.put(p, "oom_score_adj", strconv.Itoa(p.OOMScoreAdj)+"\n")
	bd.put(p, "loginuid", strconv.FormatUint(uint64(auditID(p.LoginUID)), 10))
	bd.put(p, "sessionid", strconv.FormatUint(uint64(auditID(p.SessionID)), 10))
	bd.put(p, "wchan", "0")
	bd.put(p, "uid_map", identityMap)
	bd.put(p, "gid_map", identityMap)
	if p.Label != "" {
		bd.put(p, "attr/current", terminateLabel(p.Label))
	} else if !p.refusedPath("attr/current") {
		bd.b.info.Errors[p.dir+"/attr/current"] = "EINVAL"
	}
	if p.noMem {
		if !p.refusedPath("smaps_rollup") {
			// The kernel refuses a process without an address space.
			bd.b.info.Errors[p.dir+"/smaps_rollup"] = "ESRCH"
		}
	} else {
		bd.put(p, "smaps_rollup", formatSmapsRollup(p))
	}

	// Links: a zombie and a kernel thread have no exe (ENOENT); a zombie
	// has no cwd and root either.
	if !p.noMem {
		target := p.exe
		nlink := uint64(1)
		if p.ExeDeleted {
			target += " (deleted)"
			nlink = 0
		}
		bd.putLink(p, "exe", target, proc.CapturedLink{LinkMode: 0o777, Dev: rootDev, Ino: bd.pathIno(p.exe), Nlink: nlink, Mode: syscall.S_IFREG | 0o755})
	}
	if p.state != proc.Zombie {
		for _, l := range []struct{ name, dir string }{{"cwd", p.Cwd}, {"root", p.Root}} {
			d := cmpOr(l.dir, "/")
			bd.putLink(p, l.name, d, proc.CapturedLink{LinkMode: 0o777, Dev: rootDev, Ino: bd.pathIno(d), Nlink: 2, Mode: syscall.S_IFDIR | 0o755})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(initNamespaces)) {
		typ := strings.TrimSuffix(name, "_for_children")
		n := p.ns(name)
		bd.putLink(p, "ns/"+name, typ+":["+strconv.FormatUint(n, 10)+"]", proc.CapturedLink{LinkMode: 0o777, Dev: 4, Ino: n, Nlink: 1, Mode: 0o444})
	}

	// fds and fdinfo.
	if !p.refusedPath("fd") && len(p.fds) == 0 {
		bd.b.dirs = append(bd.b.dirs, p.dir+"/fd")
		bd.b.info.EmptyDirs = append(bd.b.info.EmptyDirs, p.dir+"/fd")
	}
	if !p.refusedPath("fdinfo") && len(p.fds) == 0 {
		bd.b.dirs = append(bd.b.dirs, p.dir+"/fdinfo")
		bd.b.info.EmptyDirs = append(bd.b.info.EmptyDirs, p.dir+"/fdinfo")
	}
	for _, f := range p.fds {
		n := strconv.Itoa(f.Num)
		bd.putLink(p, "fd/"+n, f.target, proc.CapturedLink{LinkMode: f.linkMode(), Dev: f.dev, Ino: f.ino, Nlink: f.nlink, Mode: f.mode})
		bd.put(p, "fdinfo/"+n, bd.formatFDInfo(p, f))
	}

	// The network tables of the process's namespace.
	for _, table := range captureNetTables {
		bd.put(p, "net/"+table, formatNetTable(table, bd.sockets[p.netns]))
	}

	// Threads: the leader, then the others.
	bd.task(p, p.PID, p.comm, p.state, nthreads)
	if p.state != proc.Zombie {
		for _, th := range p.Threads {
			st := th.State
			if st == 0 {
				st = proc.Sleeping
			}
			bd.task(p, th.TID, truncComm(cmpOr(th.Comm, p.comm)), st, nthreads)
		}
	}

	// Verbatim files last, so they replace what was generated.
	for name, data := range p.Files {
		bd.b.files[p.dir+"/"+path.Clean(name)] = file{data: data}
	}
}

func (bd *builder) task(p *proc_, tid int, comm string, st proc.State, nthreads int) {
	dir := "task/" + strconv.Itoa(tid) + "/"
	bd.put(p, dir+"stat", formatStat(p, tid, comm, st, nthreads))
	bd.put(p, dir+"status", formatStatus(p, tid, comm, st, nthreads))
	bd.put(p, dir+"comm", comm+"\n")
	bd.put(p, dir+"cmdline", nulList(p.Cmdline, p.noMem))
	bd.put(p, dir+"environ", nulList(p.Environ, p.noMem))
}

// identityMap is uid_map and gid_map in the initial user namespace, in
// the kernel's "%10u %10u %10u\n"; replace it through Files for a process in
// a user namespace of its own.
const identityMap = "         0          0 4294967295\n"

// terminateLabel ends an LSM label as its module does.
func terminateLabel(l string) string {
	switch {
	case strings.HasSuffix(l, "\n"), strings.HasSuffix(l, "\x00"):
		return l
	case strings.Count(l, ":") >= 2 && !strings.ContainsAny(l, " \t"):
		return l + "\x00" // SELinux counts the terminating NUL in its answer
	}
	return l + "\n"
}

func auditID(id uint32) uint32 {
	if id == 0 {
		return ^uint32(0)
	}
	return id
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// nulList writes a command line or environment: each entry followed by a
// NUL. A process without an address space has none.
func nulList(list []string, none bool) string {
	if none {
		return ""
	}
	var b strings.Builder
	for _, s := range list {
		b.WriteString(s)
		b.WriteByte(0)
	}
	return b.String()
}
