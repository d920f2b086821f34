//go:build linux

package proc

import (
	"io/fs"
	"os"
	"path"
	"runtime"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procscope/procscope/internal/procint"
	"github.com/procscope/procscope/internal/rawio"
)

// isProcMount reports whether dir is a mounted proc file system: the one
// test, made once by [NewDir], that decides whether a tree is the live /proc
// (read with direct system calls, its links the kernel's) or a directory
// such as a capture (read beneath its root, its links never followed).
func isProcMount(dir string) bool {
	var st unix.Statfs_t
	return unix.Statfs(dir, &st) == nil && st.Type == unix.PROC_SUPER_MAGIC
}

// useOpenat2 is cleared by tests to exercise the os.Root path.
var useOpenat2 = true

// openBeneath opens dir for reading beneath it.
func openBeneath(dir string) (*beneathDir, error) {
	if useOpenat2 {
		dfd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
		}
		d := &beneathDir{dir: dir, dfd: dfd}
		// Probe: openat2 is missing before Linux 5.6 and some seccomp
		// filters refuse it (ENOSYS or EPERM).
		if fd, err := d.openat2(".", unix.O_PATH); err == nil {
			unix.Close(fd)
			runtime.AddCleanup(d, func(fd int) { unix.Close(fd) }, dfd)
			return d, nil
		}
		unix.Close(dfd)
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &beneathDir{dir: dir, dfd: -1, root: r}, nil
}

// openat2 opens name beneath d without following any symbolic link: a
// trailing link is opened itself with O_PATH, and is ELOOP otherwise.
func (d *beneathDir) openat2(name string, flags uint64) (int, error) {
	how := unix.OpenHow{
		Flags:   flags | unix.O_CLOEXEC | unix.O_NOFOLLOW,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	}
	for {
		fd, err := unix.Openat2(d.dfd, name, &how)
		if err == unix.EINTR || err == unix.EAGAIN {
			continue
		}
		keepAlive(d)
		if err == unix.ELOOP {
			err = ErrLink
		}
		return fd, err
	}
}

// readFile appends the content of name to buf; on failure it says whether
// open or read failed.
func (d *beneathDir) readFile(name string, buf []byte) ([]byte, string, error) {
	if err := check("open", name); err != nil {
		return buf, "open", fs.ErrInvalid
	}
	if d.dfd < 0 {
		return d.rootReadFile(name, buf)
	}
	fd, err := d.openat2(name, unix.O_RDONLY|unix.O_NONBLOCK)
	if err != nil {
		return buf, "open", err
	}
	defer unix.Close(fd)
	if err := checkKind(fd, false); err != nil {
		return buf, "open", err
	}
	buf, err = rawio.ReadAll(fd, buf)
	if err != nil {
		return buf, "read", err
	}
	return buf, "", nil
}

func (d *beneathDir) readLink(name string) (string, error) {
	if d.dfd < 0 {
		return d.rootReadLink(name)
	}
	fd, err := d.openat2(name, unix.O_PATH)
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: err}
	}
	defer unix.Close(fd)
	for n := 256; ; n *= 2 {
		b := make([]byte, n)
		m, err := unix.Readlinkat(fd, "", b)
		if err != nil {
			if err == unix.ENOENT {
				err = unix.EINVAL // not a link, as readlink(2) says
			}
			return "", &fs.PathError{Op: "readlink", Path: name, Err: err}
		}
		if m < n {
			return string(b[:m]), nil
		}
	}
}

func (d *beneathDir) lstat(name string) (fs.FileInfo, error) {
	if d.dfd < 0 {
		return d.rootLstat(name)
	}
	fd, err := d.openat2(name, unix.O_PATH)
	if err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: err}
	}
	defer unix.Close(fd)
	fi := &statInfo{name: path.Base(name)}
	if err := syscall.Fstat(fd, &fi.st); err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: err}
	}
	return fi, nil
}

// open opens name for reading as an *os.File.
func (d *beneathDir) open(name string) (*os.File, error) {
	if d.dfd < 0 {
		return d.rootOpen("open", name)
	}
	fd, err := d.openat2(name, unix.O_RDONLY|unix.O_NONBLOCK)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if err := checkKind(fd, true); err != nil {
		unix.Close(fd)
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return os.NewFile(uintptr(fd), path.Join(d.dir, name)), nil
}

// checkKind refuses what a capture never holds and a reader could hang on
// or read forever: a named pipe, a device or a socket. The open itself
// was non-blocking, so that a planted pipe does not hang it.
func checkKind(fd int, dirOK bool) error {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		return nil
	case unix.S_IFDIR:
		if dirOK {
			return nil
		}
		return unix.EISDIR
	}
	return errNotRegular
}

// statInfo is an [fs.FileInfo] made from fstat of a descriptor.
type statInfo struct {
	name string
	st   syscall.Stat_t
}

func (s *statInfo) Name() string       { return s.name }
func (s *statInfo) Size() int64        { return s.st.Size }
func (s *statInfo) Mode() fs.FileMode  { return procint.ModeFromStat(s.st.Mode) }
func (s *statInfo) ModTime() time.Time { return time.Unix(s.st.Mtim.Unix()) }
func (s *statInfo) IsDir() bool        { return s.Mode().IsDir() }
func (s *statInfo) Sys() any           { return &s.st }
