package proc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/procscope/procscope/internal/rawio"
)

// FS is a /proc tree: the live /proc, a capture written by [Capture], or any
// [fs.FS] laid out like /proc. Its methods take slash-separated names
// relative to the root, such as "123/stat" or "123/fd/3", and return errors
// normalised as described in the package documentation.
//
// An FS is safe for concurrent use.
type FS struct {
	fsys fs.FS
	dir  string      // set by NewDir
	live bool        // dir is a mounted proc file system: direct system calls
	tree *beneathDir // any other directory: read beneath its root

	once    sync.Once
	capture *CaptureInfo // nil for a live tree
	capErr  error
}

// New returns an FS reading fsys. Reads go through [fs.ReadFile] and friends,
// so fsys may be an [os.DirFS], a [testing/fstest.MapFS] or a capture. A nil
// fsys gives an FS whose every read fails with an error matching
// [fs.ErrInvalid] that says so.
func New(fsys fs.FS) *FS {
	if fsys == nil {
		fsys = nilFS{}
	}
	return &FS{fsys: fsys}
}

// NewDir returns an FS rooted at the directory dir, which is either a mounted
// proc file system or a capture written by [Capture].
//
// Whether dir is the live /proc is decided here, once, by the magic number
// of its file system (PROC_SUPER_MAGIC); [FS.Live] reports it. The live
// /proc is read with direct system calls on paths below dir, its links
// followed by the kernel. Any other directory, a capture in particular, is
// untrusted input: every name is opened beneath dir without following a
// symbolic link in any of its components (a link there is an error matching
// [ErrLink]), a name that is absolute or holds ".." is an error matching
// [fs.ErrInvalid], and the recorded links (exe, cwd, root, fd/N, ns/*) are
// data for [FS.ReadLink], never followed: [FS.StatLink] answers from what
// [CaptureFile] recorded.
//
// NewDir fails, with an error naming dir, when dir does not exist, is not a
// directory, or holds a [CaptureFile] that cannot be read or parsed.
func NewDir(dir string) (*FS, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: underlying(err)}
	}
	if !fi.IsDir() {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: syscall.ENOTDIR}
	}
	if isProcMount(dir) {
		return &FS{fsys: os.DirFS(dir), dir: dir, live: true}, nil
	}
	t, err := openBeneath(dir)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: underlying(err)}
	}
	f := &FS{fsys: dirFS{t}, dir: dir, tree: t}
	if _, err := f.Capture(); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return f, nil
}

// defaultFS is the live system's FS, made once.
var defaultFS = sync.OnceValue(func() *FS {
	if f, err := NewDir("/proc"); err == nil {
		return f
	}
	// No /proc at all: every read fails with the error of its path.
	return &FS{fsys: os.DirFS("/proc"), dir: "/proc", live: true}
})

// Default returns the FS of the live system, NewDir("/proc").
func Default() *FS { return defaultFS() }

// Dir returns the directory the FS was created with by [NewDir], or "" for an
// FS created by [New].
func (f *FS) Dir() string { return f.dir }

// Live reports whether the FS is a mounted proc file system (see [NewDir]).
// Packages that make raw system calls on paths below [FS.Dir] for speed do
// so only when it is true, and otherwise use the FS methods, which read a
// capture beneath its root.
func (f *FS) Live() bool { return f.live }

// FS returns the underlying file system.
func (f *FS) FS() fs.FS { return f.fsys }

// Capture returns the metadata of a capture, or nil when the tree is not a
// capture (such as the live /proc). An unreadable or malformed capture.json
// is returned as an error.
func (f *FS) Capture() (*CaptureInfo, error) {
	f.once.Do(f.loadCapture)
	return f.capture, f.capErr
}

func (f *FS) loadCapture() {
	b, err := fs.ReadFile(f.fsys, CaptureFile)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			f.capErr = fmt.Errorf("read %s: %w", CaptureFile, err)
		}
		return
	}
	var c CaptureInfo
	if err := json.Unmarshal(b, &c); err != nil {
		f.capErr = &ParseError{Path: CaptureFile, Field: "json", Err: err}
		return
	}
	f.capture = &c
}

// recorded returns the error a capture recorded for name, if any.
func (f *FS) recorded(op, name string) error {
	c, err := f.Capture()
	if err != nil {
		return err
	}
	if c == nil {
		return nil
	}
	if e, ok := c.Errors[name]; ok {
		return recordedError(op, name, e)
	}
	return nil
}

func (f *FS) osPath(name string) string { return f.dir + "/" + name }

// ReadFile returns the whole content of the file name. There is no size cap:
// cmdline and environ can exceed 1 MiB.
func (f *FS) ReadFile(name string) (content []byte, err error) {
	err = f.withFile(name, func(b []byte) error {
		// An exact copy of the pooled buffer: growing a fresh buffer by
		// doubling would cost about 4 MB for a 1 MiB environ.
		content = bytes.Clone(b)
		return nil
	})
	return content, err
}

// bufPool holds read buffers for ReadFile and parseFile.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// putBuf returns a buffer to the pool, unless one huge read grew it past
// what a large environ or cmdline needs.
func putBuf(bp *[]byte) {
	if cap(*bp) <= 4<<20 {
		bufPool.Put(bp)
	}
}

// parseFile reads the file name and hands its content to parse, which must
// not keep the slice. A parse error is given the file's name.
func (f *FS) parseFile(name string, parse func([]byte) error) error {
	return f.withFile(name, func(b []byte) error { return WithPath(parse(b), name) })
}

// withFile reads the whole file name and hands its content to use, which
// must not keep the slice: on a directory tree it is a pooled buffer. This is
// the one place where files are read, so every reader replays the errors a
// capture recorded and normalises the kernel's.
func (f *FS) withFile(name string, use func([]byte) error) error {
	if err := f.recorded("open", name); err != nil {
		return err
	}
	if !f.live && f.tree == nil {
		b, err := fs.ReadFile(f.fsys, name)
		if err != nil {
			return normalize(err)
		}
		return use(b)
	}
	bp := bufPool.Get().(*[]byte)
	defer putBuf(bp)
	var b []byte
	var op string
	var err error
	if f.live {
		b, op, err = readInto(f.osPath(name), (*bp)[:0])
	} else {
		b, op, err = f.tree.readFile(name, (*bp)[:0])
	}
	*bp = b[:0]
	if err != nil {
		return normalize(&fs.PathError{Op: op, Path: name, Err: err})
	}
	return use(b)
}

// readInto appends the whole content of the file name to buf, with open and
// read only: files in /proc report a size of 0 or 4096, so the fstat that
// os.ReadFile makes to size its buffer is wasted there. On failure it says
// which of the two failed.
func readInto(name string, buf []byte) ([]byte, string, error) {
	fd, err := syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return buf, "open", err
	}
	defer syscall.Close(fd)
	buf, err = rawio.ReadAll(fd, buf)
	if err != nil {
		return buf, "read", err
	}
	return buf, "", nil
}

// ReadLink returns the target of the symbolic link name, such as "123/exe".
func (f *FS) ReadLink(name string) (string, error) {
	if err := f.recorded("readlink", name); err != nil {
		return "", err
	}
	if f.live {
		s, err := os.Readlink(f.osPath(name))
		if err != nil {
			return "", normalize(&fs.PathError{Op: "readlink", Path: name, Err: errors.Unwrap(err)})
		}
		return s, nil
	}
	s, err := fs.ReadLink(f.fsys, name)
	return s, normalize(err)
}

// ReadDir returns the entries of the directory name, sorted by file name.
// A capture keeps directories that were empty when it was written (such as
// the fd directory of a zombie), which git would otherwise drop.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := f.recorded("open", name); err != nil {
		return nil, err
	}
	ents, err := fs.ReadDir(f.fsys, name)
	c, _ := f.Capture()
	if c == nil {
		return ents, normalize(err)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	// The entries a capture could not read (each fd of pid 1, say) are
	// listed, as they were live; reading them returns the recorded error.
	for e := range c.Errors {
		if dir, base := path.Split(e); dir == name+"/" {
			ents = append(ents, recordedEntry(base))
			err = nil
		}
	}
	if err != nil {
		if slices.Contains(c.EmptyDirs, name) {
			return []fs.DirEntry{}, nil
		}
		return nil, err
	}
	slices.SortFunc(ents, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return ents, nil
}

// recordedEntry is a directory entry for a file a capture could not read.
type recordedEntry string

func (e recordedEntry) Name() string               { return string(e) }
func (e recordedEntry) IsDir() bool                { return false }
func (e recordedEntry) Type() fs.FileMode          { return fs.ModeIrregular }
func (e recordedEntry) Info() (fs.FileInfo, error) { return nil, fs.ErrPermission }

// Lstat describes the file name itself without following a link. For the
// links in /proc/PID/fd, Mode().Perm() tells how the file was opened: 0400 for
// reading, 0200 for writing, 0600 for both. A capture returns the mode the
// link had when it was captured.
func (f *FS) Lstat(name string) (fs.FileInfo, error) {
	if err := f.recorded("lstat", name); err != nil {
		return nil, err
	}
	c, err := f.Capture()
	if err != nil {
		return nil, err
	}
	if c != nil {
		if l, ok := c.Links[name]; ok {
			return linkInfo{name: path.Base(name), mode: fs.ModeSymlink | fs.FileMode(l.LinkMode)&fs.ModePerm}, nil
		}
	}
	fi, err := fs.Lstat(f.fsys, name)
	return fi, normalize(err)
}

type linkInfo struct {
	name string
	mode fs.FileMode
}

func (l linkInfo) Name() string       { return l.name }
func (l linkInfo) Size() int64        { return 0 }
func (l linkInfo) Mode() fs.FileMode  { return l.mode }
func (l linkInfo) ModTime() time.Time { return time.Time{} }
func (l linkInfo) IsDir() bool        { return false }
func (l linkInfo) Sys() any           { return nil }

// FileID identifies the file behind a link: its device (the kernel's encoded
// dev_t), inode, link count and mode.
type FileID struct {
	Dev   uint64
	Ino   uint64
	Nlink uint64
	Mode  fs.FileMode
}

// ErrNoFileID means the FS cannot tell what file a link points at: it is
// neither a live proc file system nor a capture that recorded it.
var ErrNoFileID = errors.New("no device and inode information")

// StatLink describes the file behind the link name, such as "123/exe" or
// "123/fd/3". On a live /proc the link is followed by the kernel, so it works
// for a deleted file (Nlink is then 0), and on Linux with statx and
// AT_STATX_DONT_SYNC, so that a file on a hung network file system answers
// from the attribute cache instead of blocking. A capture answers from what it
// recorded, never by following the link on the capturing host's paths.
func (f *FS) StatLink(name string) (FileID, error) {
	if err := f.recorded("stat", name); err != nil {
		return FileID{}, err
	}
	c, err := f.Capture()
	if err != nil {
		return FileID{}, err
	}
	if c != nil {
		l, ok := c.Links[name]
		if !ok || l.NoStat {
			return FileID{}, &fs.PathError{Op: "stat", Path: name, Err: ErrNoFileID}
		}
		return FileID{Dev: l.Dev, Ino: l.Ino, Nlink: l.Nlink, Mode: ModeFromStat(l.Mode)}, nil
	}
	if f.live {
		id, err := statLive(f.osPath(name))
		if err != nil {
			return FileID{}, PathError("stat", name, err)
		}
		return id, nil
	}
	if f.tree != nil {
		// A directory that is neither /proc nor a capture: its links are
		// never followed.
		return FileID{}, &fs.PathError{Op: "stat", Path: name, Err: ErrNoFileID}
	}
	fi, err := fs.Stat(f.fsys, name)
	if err != nil {
		return FileID{}, normalize(&fs.PathError{Op: "stat", Path: name, Err: underlying(err)})
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return FileID{}, &fs.PathError{Op: "stat", Path: name, Err: ErrNoFileID}
	}
	return FileID{Dev: uint64(st.Dev), Ino: uint64(st.Ino), Nlink: uint64(st.Nlink), Mode: ModeFromStat(uint32(st.Mode))}, nil
}

func underlying(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ModeFromStat converts a raw st_mode, as stat(2) and statx(2) return it,
// to an [fs.FileMode].
func ModeFromStat(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	switch m & syscall.S_IFMT {
	case syscall.S_IFDIR:
		mode |= fs.ModeDir
	case syscall.S_IFLNK:
		mode |= fs.ModeSymlink
	case syscall.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		mode |= fs.ModeSocket
	case syscall.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFBLK:
		mode |= fs.ModeDevice
	}
	if m&syscall.S_ISUID != 0 {
		mode |= fs.ModeSetuid
	}
	if m&syscall.S_ISGID != 0 {
		mode |= fs.ModeSetgid
	}
	if m&syscall.S_ISVTX != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}

// rawMode converts an fs.FileMode back to st_mode bits, for captures.
func rawMode(m fs.FileMode) uint32 {
	r := uint32(m.Perm())
	switch {
	case m&fs.ModeDir != 0:
		r |= syscall.S_IFDIR
	case m&fs.ModeSymlink != 0:
		r |= syscall.S_IFLNK
	case m&fs.ModeNamedPipe != 0:
		r |= syscall.S_IFIFO
	case m&fs.ModeSocket != 0:
		r |= syscall.S_IFSOCK
	case m&fs.ModeCharDevice != 0:
		r |= syscall.S_IFCHR
	case m&fs.ModeDevice != 0:
		r |= syscall.S_IFBLK
	default:
		r |= syscall.S_IFREG
	}
	if m&fs.ModeSetuid != 0 {
		r |= syscall.S_ISUID
	}
	if m&fs.ModeSetgid != 0 {
		r |= syscall.S_ISGID
	}
	if m&fs.ModeSticky != 0 {
		r |= syscall.S_ISVTX
	}
	return r
}

// PIDs returns the pids of all processes in numeric order.
func (f *FS) PIDs() ([]int, error) { return f.numericDir(".") }

// numericDir lists the entries of dir whose names are decimal numbers.
func (f *FS) numericDir(dir string) ([]int, error) {
	ents, err := f.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	ids := make([]int, 0, len(ents))
	for _, e := range ents {
		if id, ok := parsePID(e.Name()); ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

func parsePID(s string) (int, bool) {
	if s == "" || s[0] < '1' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

// All iterates over every process in numeric pid order. The handles it yields
// did no I/O: a process may exit before it is read, and its readers then
// return errors matching fs.ErrNotExist. The only error yielded is a failure
// to list the root directory, after which iteration stops. All reads nothing
// of the processes themselves, so it has no per-process failures: the
// scans that read them (environ.Scan, fd.Holders, tree.Scan) report those
// as [Failure]s. Breaking out of the loop ends it.
func (f *FS) All() iter.Seq2[Process, error] {
	return func(yield func(Process, error) bool) {
		pids, err := f.PIDs()
		if err != nil {
			yield(Process{}, err)
			return
		}
		for _, pid := range pids {
			if !yield(f.Process(pid), nil) {
				return
			}
		}
	}
}

// Process returns a handle for the process pid. It does no I/O.
func (f *FS) Process(pid int) Process { return Process{PID: pid, fs: f} }
