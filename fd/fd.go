package fd

import (
	"errors"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/procscope/procscope/internal/num"
	"github.com/procscope/procscope/internal/oneline"
	"github.com/procscope/procscope/internal/procint"
	"github.com/procscope/procscope/proc"
)

// FD is one open file descriptor of a process.
type FD struct {
	FD      int        // the descriptor number
	Target  string     // the raw link target, byte for byte
	Type    Type       // coarse kind, from the target text
	Subtype string     // finer kind (eventfd, memfd, ...; directory, char-device ... with Options.Stat); "" when unknown
	Path    string     // for File: the path without " (deleted)"
	Deleted bool       // for File: the file was deleted (always true for a memfd)
	Inode   uint64     // inode: from the target for sockets and pipes, else from fdinfo or stat; 0 when not read
	Mode    AccessMode // read, write or both: from the link's own permission bits, or fdinfo's flags with Options.Info; ModeUnknown with Options.NoMode

	Info   *Info        // fdinfo, when Options.Info is set and it could be read
	File   *proc.FileID // the file behind the link, when Options.Stat is set and it could be stat'ed
	Socket *SocketInfo  // the socket's entry in the process's own network namespace (shared, read-only); nil if not a socket or not found

	// Protocol names the protocol of a socket found in none of its
	// namespace's tables (an unbound netlink socket, which the kernel lists
	// in /proc/net/netlink only once bound, or a family without a table such
	// as vsock), as the kernel gives it in the socket's
	// system.sockprotoname attribute, which lsof reads too: "NETLINK".
	// It is read on the live /proc only; "" otherwise.
	Protocol string
}

// Options selects what [List] reads beyond the link targets. The zero value
// (or a nil *Options) reads each fd's link and the link's mode (on a live
// /proc one readlink and one lstat per fd, no lstat for sockets, which are
// always open read-write, and no other system call per fd), and the socket
// tables of the process's network namespace once.
type Options struct {
	// Info reads /proc/PID/fdinfo/N for each fd (pos, flags, mnt_id, ino and
	// the per-kind lines) and fills FD.Info and FD.Inode.
	Info bool
	// Stat stats the file behind each fd link (one statx per fd) and fills
	// FD.File, FD.Inode and, for files, the Subtype from the file mode. On
	// the live /proc it asks with AT_STATX_DONT_SYNC, so a hung network file
	// system answers from its cache; other trees use [proc.FS.StatLink].
	Stat bool
	// NoMode skips the lstat of each fd link that gives FD.Mode (about a
	// third of the default listing's cost); Mode is then ModeUnknown,
	// unless Info is set, which gives the mode from fdinfo's flags instead.
	NoMode bool
	// NoSockets skips reading the net tables; FD.Socket stays nil.
	NoSockets bool
	// Sockets shares socket tables between calls (for example across all
	// processes of a scan), so that each network namespace's tables are
	// read once. Nil means a fresh cache per call.
	Sockets *SocketCache
}

// List returns the open fds of p in numeric order.
//
// An fd closed while the list is being read is left out without error. If
// the fd directory cannot be read, or the process exits while its links are
// read, the error matches [fs.ErrNotExist] (the process is gone) or
// [fs.ErrPermission], and the slice is nil. Other failures (an unreadable
// fdinfo, an unreadable or malformed net table) do not drop entries: List
// returns every entry it has together with an error joining those
// failures, so a caller that wants partial results uses a non-nil slice
// even when the error is not nil.
func List(p proc.Process, opts *Options) ([]FD, error) {
	if opts == nil {
		opts = &Options{}
	}
	withMode := !opts.NoMode && !opts.Info
	cache := opts.Sockets
	if cache == nil && !opts.NoSockets {
		cache = NewSocketCache()
	}
	var (
		fds      []FD
		vanished int
		errs     []error
		err      error
	)
	var stopPrefetch atomic.Bool
	defer stopPrefetch.Store(true)
	if r := rawDir(p.FS()); r != "" {
		if !opts.NoSockets {
			if n, ok, _ := countRaw(r, p); ok && n >= parallelMin {
				// A large process: read the socket tables on another CPU
				// while the links are read.
				go cache.ns(p).prefetch(p, &stopPrefetch)
			}
		}
		fds, vanished, errs, err = listRaw(r, p, withMode, opts.Info, opts.Stat)
	} else {
		fds, vanished, errs, err = listFS(p, withMode, opts.Info, opts.Stat)
	}
	if err != nil {
		return nil, err
	}
	if vanished > 0 {
		// Some fds went away while being read: closed, or the whole
		// process exited (then say so rather than return a short list).
		if _, err := p.FS().Lstat(p.Path("fd")); errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	if !opts.NoSockets {
		if err := cache.resolve(p, fds); err != nil {
			errs = append(errs, err)
		}
	}
	return fds, oneline.Join(errs)
}

// setInfo attaches fdinfo to f, taking the mode and inode from it when the
// listing did not give them.
func (f *FD) setInfo(in Info, withMode bool) {
	f.Info = &in
	if !withMode {
		f.Mode = in.Flags.AccessMode()
		if in.Flags.Has(O_PATH) {
			f.Mode = NoAccess // like the link's mode
		}
	}
	if f.Inode == 0 {
		f.Inode = in.Ino
	}
}

// setFile attaches the stat of the file behind the link.
func (f *FD) setFile(id proc.FileID) {
	f.File = &id
	if f.Inode == 0 {
		f.Inode = id.Ino
	}
	if f.Type == File && f.Subtype == "" {
		f.Subtype = subtypeOfMode(id.Mode)
	}
}

func subtypeOfMode(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return SubRegular
	case m.IsDir():
		return SubDirectory
	case m&fs.ModeCharDevice != 0:
		return SubCharDev
	case m&fs.ModeDevice != 0:
		return SubBlockDev
	case m&fs.ModeNamedPipe != 0:
		return SubFIFO
	case m&fs.ModeSocket != 0:
		return SubSocket
	case m&fs.ModeSymlink != 0:
		return SubSymlink
	}
	return ""
}

// newFD fills an FD from its number, link target and link permission bits
// (when withMode).
func newFD(n int, target string, perm fs.FileMode, withMode bool) FD {
	t := ParseTarget(target)
	mode := ModeUnknown
	if withMode {
		mode = modeOfPerm(perm)
	}
	return FD{
		FD: n, Target: target, Type: t.Type, Subtype: t.Subtype,
		Path: t.Path, Deleted: t.Deleted, Inode: t.Inode, Mode: mode,
	}
}

// modeOfPerm maps an fd link's permission bits to the access mode: the
// kernel gives the link S_IRUSR when the file is open for reading and
// S_IWUSR when it is open for writing.
func modeOfPerm(perm fs.FileMode) AccessMode {
	switch perm & 0o600 {
	case 0o400:
		return ReadOnly
	case 0o200:
		return WriteOnly
	case 0o600:
		return ReadWrite
	}
	return NoAccess // neither bit: O_PATH or an ioctl-only open
}

// listFS lists fds through the proc.FS methods (any fs.FS tree and
// captures), as listRaw does on the live /proc: per fd the link, its mode
// with withMode, fdinfo with withInfo and the file behind it with withStat.
// Failures to read fdinfo or stat are returned in errs with the entry kept.
func listFS(p proc.Process, withMode, withInfo, withStat bool) (fds []FD, vanished int, errs []error, err error) {
	dir := p.Path("fd")
	ents, err := p.FS().ReadDir(dir)
	if err != nil {
		return nil, 0, nil, err
	}
	fds = make([]FD, 0, len(ents))
	arch := p.FS().Arch() // the flags' numbering, for a capture of another architecture
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil || n < 0 {
			continue
		}
		name := dir + "/" + e.Name()
		target, err := p.FS().ReadLink(name)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				vanished++ // closed meanwhile
				continue
			}
			return nil, 0, nil, err
		}
		var perm fs.FileMode
		if withMode {
			fi, err := p.FS().Lstat(name)
			if errors.Is(err, fs.ErrNotExist) {
				vanished++
				continue
			}
			if err == nil {
				perm = fi.Mode().Perm()
			}
		}
		f := newFD(n, target, perm, withMode)
		if withInfo {
			info := p.Path("fdinfo", e.Name())
			b, err := p.FS().ReadFile(info)
			if err == nil {
				var in Info
				if in, err = ParseInfo(b); err == nil {
					in.Flags = in.Flags.FromArch(arch)
					f.setInfo(in, withMode)
				} else {
					err = procint.WithPath(err, info)
				}
			}
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		if withStat {
			id, err := p.FS().StatLink(name)
			if err == nil {
				f.setFile(id)
			} else if !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		fds = append(fds, f)
	}
	slices.SortFunc(fds, func(a, b FD) int { return a.FD - b.FD })
	return fds, vanished, errs, nil
}

// Count returns the number of open fds of p without listing them: on a live
// /proc (Linux 6.2 and later) it is the size the kernel reports for
// /proc/PID/fd, one system call; otherwise the directory entries are
// counted. Errors are those of [List].
func Count(p proc.Process) (int, error) {
	if r := rawDir(p.FS()); r != "" {
		if n, ok, err := countRaw(r, p); ok || err != nil {
			return n, err
		}
	}
	ents, err := p.FS().ReadDir(p.Path("fd"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err == nil {
			n++
		}
	}
	return n, nil
}

// SocketCache holds the socket tables of each network namespace seen, keyed
// by the namespace (the target of /proc/PID/ns/net), so a scan over many
// processes reads each namespace's tables at most once. Tables are read
// lazily, in the order tcp, tcp6, udp, udp6, raw, raw6, unix, packet,
// netlink, and only until every socket asked for is found: a process with
// only TCP sockets costs one table. A cache shows each table as it was when
// first read. It is safe for concurrent use.
type SocketCache struct {
	mu   sync.Mutex
	tabs map[string]*nsTables
}

type nsTables struct {
	mu   sync.Mutex
	next int                    // index into netTables of the next table to read
	tab  map[uint64]*SocketInfo // pointers into the parsed tables
	errs []error
}

// NewSocketCache returns an empty cache.
func NewSocketCache() *SocketCache { return &SocketCache{tabs: map[string]*nsTables{}} }

// prefetch reads the namespace's tables in order until stop is set or all
// are read.
func (t *nsTables) prefetch(p proc.Process, stop *atomic.Bool) {
	for !stop.Load() {
		t.mu.Lock()
		if t.next >= len(netTables) {
			t.mu.Unlock()
			return
		}
		t.readNext(p)
		t.mu.Unlock()
	}
}

// readNext reads the next table; t.mu is held.
func (t *nsTables) readNext(p proc.Process) {
	name := netTables[t.next]
	t.next++
	socks, err := readTable(p, name)
	if err != nil {
		t.errs = append(t.errs, err)
		return
	}
	for i := range socks {
		if socks[i].Inode != 0 { // TIME_WAIT and similar entries have no inode
			t.tab[socks[i].Inode] = &socks[i]
		}
	}
}

func (c *SocketCache) ns(p proc.Process) *nsTables {
	key, err := p.FS().ReadLink(p.Path("ns", "net"))
	if err != nil || !strings.HasPrefix(key, "net:[") {
		// Without the namespace link the tables cannot be shared safely.
		key = "pid:" + strconv.Itoa(p.PID)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.tabs[key]
	if t == nil {
		t = &nsTables{tab: map[uint64]*SocketInfo{}}
		c.tabs[key] = t
	}
	return t
}

// Lookup returns the entries of the given socket inodes in p's network
// namespace (shared with the cache: treat them as read-only), reading /proc/PID/net/{tcp,tcp6,udp,udp6,raw,raw6,unix,packet,
// netlink} as needed. An inode in none of the tables (a family without a
// table, such as vsock) is absent from the result. A table that is missing
// (a protocol not built into the kernel) is skipped; unreadable or
// malformed tables are reported in the error, joined, alongside the
// sockets that could be resolved.
func (c *SocketCache) Lookup(p proc.Process, inodes []uint64) (map[uint64]*SocketInfo, error) {
	t := c.ns(p)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.readUntilFound(p, inodes)
	res := make(map[uint64]*SocketInfo, len(inodes))
	for _, ino := range inodes {
		if s, ok := t.tab[ino]; ok {
			res[ino] = s
		}
	}
	return res, oneline.Join(t.errs)
}

// resolve sets the Socket of every socket in fds, as [SocketCache.Lookup]
// does, without building the map.
func (c *SocketCache) resolve(p proc.Process, fds []FD) error {
	var inodes []uint64
	for _, f := range fds {
		if f.Type == Socket {
			inodes = append(inodes, f.Inode)
		}
	}
	if len(inodes) == 0 {
		return nil // not even the namespace link is read
	}
	t := c.ns(p)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.readUntilFound(p, inodes)
	dir := rawDir(p.FS())
	for i := range fds {
		if fds[i].Type == Socket {
			fds[i].Socket = t.tab[fds[i].Inode] // nil when not found
			if fds[i].Socket == nil && dir != "" {
				fds[i].Protocol = sockProtoName(dir+"/"+p.Path("fd", strconv.Itoa(fds[i].FD)), fds[i].Inode)
			}
		}
	}
	return oneline.Join(t.errs)
}

// readUntilFound reads the next tables until every inode is in t.tab or
// every table was read; t.mu is held.
func (t *nsTables) readUntilFound(p proc.Process, inodes []uint64) {
	found := 0 // inodes[:found] are in t.tab, which only grows
	for t.next < len(netTables) {
		for found < len(inodes) && t.tab[inodes[found]] != nil {
			found++
		}
		if found == len(inodes) {
			return
		}
		t.readNext(p)
	}
}

func readTable(p proc.Process, name string) ([]SocketInfo, error) {
	path := p.Path("net", name)
	b, err := p.FS().ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	socks, err := ParseNet(name, b)
	return socks, procint.WithPath(err, path)
}

// releaseAtLeast reports whether the kernel release rel ("6.12.0-1-amd64")
// is major.minor or later; an unreadable release is not.
func releaseAtLeast(rel string, major, minor uint64) bool {
	majS, rest, _ := strings.Cut(rel, ".")
	minS := rest[:len(rest)-len(strings.TrimLeft(rest, "0123456789"))]
	maj, ok1 := num.Uint([]byte(majS))
	mn, ok2 := num.Uint([]byte(minS))
	return ok1 && ok2 && (maj > major || maj == major && mn >= minor)
}
