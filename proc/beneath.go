package proc

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
	"slices"
	"strings"
	"syscall"
)

// ErrLink means that a name in a directory tree read by [NewDir] is, or
// passes through, a symbolic link where a file or directory was expected. A
// capture is a file someone sent: its links (exe, cwd, fd/N, and any other
// planted there) are read as data with [FS.ReadLink], never followed.
var ErrLink = errors.New("symbolic link in a capture, not followed")

// ErrDamaged means a capture lacks a file it must hold, or holds it empty:
// the stat of a process it lists, the fdinfo of an fd it lists. On the live
// /proc the same means the process exited; in a capture, which does not
// change, it means the capture was damaged, and readers report it for the
// process as they report an unreadable file.
var ErrDamaged = errors.New("missing or empty in the capture (damaged)")

// damaged returns the error for name, a file that must exist, found missing
// (err matches [fs.ErrNotExist]) or, with err nil, empty. In a capture it is
// an error matching [ErrDamaged] and not fs.ErrNotExist, unless the capture
// recorded the process as gone; elsewhere it is err, which may be nil: the
// process exited. The packages beside this one reach it as procint.Damaged.
func (f *FS) damaged(name string, err error) error {
	if c, cerr := f.CaptureInfo(); c == nil || cerr != nil || errors.Is(err, ErrGone) {
		return err
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return &fs.PathError{Op: "read", Path: name, Err: ErrDamaged}
}

// errNotRegular refuses a named pipe, a device or a socket in a capture.
var errNotRegular = errors.New("not a regular file or directory, refused in a capture")

// beneathDir reads a directory tree that is not the live /proc (a capture)
// without ever leaving it: every name is opened beneath the root without
// following a symbolic link in any of its components. On Linux it uses
// openat2(2) with RESOLVE_BENEATH and RESOLVE_NO_SYMLINKS, one system call per
// open; where openat2 is missing (before Linux 5.6, or refused by a seccomp
// filter) and on other systems it uses an [os.Root] and refuses a name when
// lstat finds a link in any of its components.
type beneathDir struct {
	dir  string
	dfd  int      // O_PATH descriptor of dir for openat2, or -1
	root *os.Root // when dfd is -1
}

// check refuses names that could leave the tree: absolute, with "..", or
// otherwise not an [fs.ValidPath].
func check(op, name string) error {
	if !fs.ValidPath(name) {
		return &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	return nil
}

// rootNoLinks refuses name when it or any directory on its way is a
// symbolic link (when final is false, the last component may be one). It is
// the check of the os.Root path; os.Root itself keeps every open beneath the
// root, so a link swapped in after the check still cannot lead out.
func (d *beneathDir) rootNoLinks(op, name string, final bool) error {
	if name == "." {
		return nil
	}
	i := 0
	for {
		j := strings.IndexByte(name[i:], '/')
		last := j < 0
		prefix := name
		if !last {
			prefix = name[:i+j]
		}
		if !last || final {
			fi, err := d.root.Lstat(prefix)
			if err != nil {
				return &fs.PathError{Op: op, Path: name, Err: underlying(err)}
			}
			if fi.Mode()&fs.ModeSymlink != 0 {
				return &fs.PathError{Op: op, Path: name, Err: ErrLink}
			}
		}
		if last {
			return nil
		}
		i += j + 1
	}
}

func (d *beneathDir) rootOpen(op, name string) (*os.File, error) {
	if err := d.rootNoLinks(op, name, true); err != nil {
		return nil, err
	}
	f, err := d.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: underlying(err)}
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() && !fi.IsDir() {
		f.Close()
		if err == nil {
			err = errNotRegular
		}
		return nil, &fs.PathError{Op: op, Path: name, Err: underlying(err)}
	}
	return f, nil
}

func (d *beneathDir) rootReadFile(name string, buf []byte) ([]byte, string, error) {
	f, err := d.rootOpen("open", name)
	if err != nil {
		return buf, "open", underlying(err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return buf, "read", syscall.EISDIR
	}
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, max(cap(buf), 4096))
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, "", nil
		}
		if err != nil {
			return buf, "read", underlying(err)
		}
	}
}

func (d *beneathDir) rootReadLink(name string) (string, error) {
	if err := d.rootNoLinks("readlink", name, false); err != nil {
		return "", err
	}
	s, err := d.root.Readlink(name)
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: underlying(err)}
	}
	return s, nil
}

func (d *beneathDir) rootLstat(name string) (fs.FileInfo, error) {
	if err := d.rootNoLinks("lstat", name, false); err != nil {
		return nil, err
	}
	fi, err := d.root.Lstat(name)
	if err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: underlying(err)}
	}
	return fi, nil
}

// readDir lists the directory name, sorted by file name. An entry's Info
// is an lstat beneath the root.
func (d *beneathDir) readDir(name string) ([]fs.DirEntry, error) {
	f, err := d.open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ents, err := f.ReadDir(-1)
	if err != nil {
		return nil, &fs.PathError{Op: "readdirent", Path: name, Err: underlying(err)}
	}
	out := make([]fs.DirEntry, len(ents))
	for i, e := range ents {
		out[i] = beneathEntry{DirEntry: e, d: d, name: path.Join(name, e.Name())}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// beneathEntry is a directory entry whose Info is an lstat beneath the
// root: os.File.ReadDir's would lstat a path relative to the working
// directory.
type beneathEntry struct {
	fs.DirEntry
	d    *beneathDir
	name string
}

func (e beneathEntry) Info() (fs.FileInfo, error) { return e.d.lstat(e.name) }

// dirFS is the [fs.FS] of a tree read by [NewDir] that is not the live
// /proc. It implements [fs.ReadDirFS] and [fs.ReadLinkFS]; Open refuses
// names with "..", absolute names and symbolic links.
type dirFS struct{ d *beneathDir }

func (f dirFS) Open(name string) (fs.File, error) {
	if err := check("open", name); err != nil {
		return nil, err
	}
	return f.d.open(name)
}

func (f dirFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := check("open", name); err != nil {
		return nil, err
	}
	return f.d.readDir(name)
}

func (f dirFS) ReadLink(name string) (string, error) {
	if err := check("readlink", name); err != nil {
		return "", err
	}
	return f.d.readLink(name)
}

func (f dirFS) Lstat(name string) (fs.FileInfo, error) {
	if err := check("lstat", name); err != nil {
		return nil, err
	}
	return f.d.lstat(name)
}

// keepAlive keeps d, and so its descriptor, from being collected during a
// system call on it.
func keepAlive(d *beneathDir) { runtime.KeepAlive(d) }
