package fd

import (
	"context"
	"errors"
	"io/fs"
	"strconv"
	"strings"

	"github.com/procscope/procscope/proc"
)

// FileRef identifies the file whose holders [HoldersOf] looks for.
type FileRef struct {
	Dev uint64 // the device as stat's st_dev encodes it
	Ino uint64
	// Path is the path the file is known by. When Dev and Ino are zero
	// (the file no longer exists under that path) a holder is found by
	// its fd link reading "Path (deleted)".
	Path string

	// notDir is set by Holders when the file is not a directory: no
	// process's cwd or root can then be it, and those links are neither
	// read nor followed.
	notDir bool
}

// Holder is a process that holds the file: open as an fd, or as its
// executable, working directory, root directory or a memory mapping.
type Holder struct {
	PID    int
	Comm   string
	FDs    []HeldFD // fds open on the file, in numeric order
	Access string   // fuser's letters, in this order: c (cwd), e (executable), f (open for reading), F (open for writing), r (root), m (mapped)
}

// HeldFD is one fd a [Holder] has open on the file.
type HeldFD struct {
	FD   int
	Mode AccessMode
}

// HolderScan is the result of a holders scan.
type HolderScan struct {
	Holders []Holder // in PID order
	// Failures holds, in pid order, one entry per process that could not be
	// examined whole: see [proc.Failure] for which are expected. A process
	// that exited during the scan matches [fs.ErrNotExist]; one whose fd
	// directory, fdinfo or maps the caller may not read matches
	// [fs.ErrPermission]; a capture lacking a process's fdinfo matches
	// [proc.ErrDamaged]. A process examined in part is in Holders too when
	// the parts that could be read show it holding the file.
	Failures []proc.Failure
}

// HoldersOf returns every process of fsys that holds the file ref.
//
// Matching is by device and inode, never by path text, so a file reached
// through a bind mount, a symbolic link or a hard link is found. An fd is
// matched with the ino and mnt_id of its fdinfo, the mount ID mapped to a
// device through the process's mountinfo; the link is not followed, so a
// hung network file system does not hang the scan. Mappings are matched with
// the device and inode in /proc/PID/maps and the executable is the mapping
// whose path is the exe link's. The cwd and root links are followed only
// when the mount their path lies on has the file's device (and, from
// [Holders], only when the file is a directory). On kernels before
// 5.14 (no ino in fdinfo) the fd link itself is stat'ed.
//
// Limitation: on btrfs subvolumes and similar, stat reports a device that
// differs from the mount's; such files are not matched.
//
// HoldersOf checks ctx before each process: once ctx is done it examines no
// further process and returns what it found so far with ctx.Err(). The
// error is otherwise non-nil only when the process list cannot be read.
func HoldersOf(ctx context.Context, fsys *proc.FS, ref FileRef) (HolderScan, error) {
	if err := ctx.Err(); err != nil {
		return HolderScan{}, err
	}
	pids, err := fsys.PIDs()
	if err != nil {
		return HolderScan{}, err
	}
	s := &holderScan{fsys: fsys, ref: ref, mounts: map[string][]proc.Mount{}}
	var res HolderScan
	for _, pid := range pids {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		h, err := s.process(fsys.Process(pid))
		if err != nil {
			res.Failures = append(res.Failures, proc.Failure{PID: pid, Err: err})
		}
		if h.Access != "" {
			res.Holders = append(res.Holders, h)
		}
	}
	return res, nil
}

// holderScan is the state of one HoldersOf scan, which examines the
// processes one after another.
type holderScan struct {
	fsys   *proc.FS
	ref    FileRef
	mounts map[string][]proc.Mount // by mount namespace link; "self" for linkMounts
}

func (s *holderScan) byDevIno() bool { return s.ref.Dev != 0 || s.ref.Ino != 0 }

// process examines one process. A permission error on one part still
// returns the holder found from the other parts.
func (s *holderScan) process(p proc.Process) (Holder, error) {
	h := Holder{PID: p.PID}
	var acc struct{ c, e, f, F, r, m bool }
	var firstErr error
	// keep records the first failure. A part that does not exist (a
	// kernel thread's exe, an fd closed meanwhile) is none.
	keep := func(err error) {
		if err != nil && !errors.Is(err, fs.ErrNotExist) && firstErr == nil {
			firstErr = err
		}
	}

	fds, err := List(p, &Options{NoSockets: true, NoMode: true})
	if errors.Is(err, fs.ErrNotExist) {
		return h, err // the process is gone
	}
	keep(err)
	for _, f := range fds {
		if f.Type != File {
			continue
		}
		ok, mode, err := s.matchFD(p, f)
		keep(err)
		if ok {
			h.FDs = append(h.FDs, HeldFD{FD: f.FD, Mode: mode})
			if mode == ReadOnly {
				acc.f = true
			} else {
				acc.F = true
			}
		}
	}

	exe, _ := p.FS().ReadLink(p.Path("exe"))
	acc.e, acc.m, err = s.matchMaps(p, exe)
	keep(err)
	if s.byDevIno() {
		if !s.ref.notDir {
			acc.c, err = s.matchDirLink(p, "cwd")
			keep(err)
			acc.r, err = s.matchDirLink(p, "root")
			keep(err)
		}
	} else if exe == s.ref.Path+deletedSuffix {
		// A deleted executable, even where it is not mapped.
		acc.e = true
	}

	var sb strings.Builder
	for _, x := range []struct {
		on bool
		c  byte
	}{{acc.c, 'c'}, {acc.e, 'e'}, {acc.f, 'f'}, {acc.F, 'F'}, {acc.r, 'r'}, {acc.m, 'm'}} {
		if x.on {
			sb.WriteByte(x.c)
		}
	}
	h.Access = sb.String()
	if h.Access != "" {
		if comm, err := p.Comm(); err == nil {
			h.Comm = comm
		}
	}
	return h, firstErr
}

// matchFD reports whether fd f of p is the file, and then its access mode
// (from fdinfo's flags).
func (s *holderScan) matchFD(p proc.Process, f FD) (bool, AccessMode, error) {
	name := p.Path("fdinfo", strconv.Itoa(f.FD))
	if !s.byDevIno() && !(f.Deleted && f.Path == s.ref.Path) {
		return false, 0, nil
	}
	b, err := p.FS().ReadFile(name)
	if err != nil {
		// fd/N was listed: a capture without its fdinfo is damaged.
		return false, 0, p.FS().Damaged(name, err)
	}
	in, err := ParseInfo(b)
	if err != nil {
		return false, 0, proc.WithPath(err, name)
	}
	mode := in.Flags.AccessMode()
	if !s.byDevIno() {
		return true, mode, nil
	}
	if in.Ino == 0 {
		// Kernel before 5.14: no ino line; stat through the link.
		id, err := p.FS().StatLink(p.Path("fd", strconv.Itoa(f.FD)))
		if err != nil {
			return false, 0, err
		}
		return id.Dev == s.ref.Dev && id.Ino == s.ref.Ino, mode, nil
	}
	if in.Ino != s.ref.Ino {
		return false, 0, nil
	}
	mounts, err := s.mountsOf(p)
	if err != nil {
		return false, 0, err
	}
	for _, m := range mounts {
		if m.ID == in.MntID {
			return m.Dev() == s.ref.Dev, mode, nil
		}
	}
	return false, 0, nil
}

// mountsOf returns p's mountinfo, read once per mount namespace.
func (s *holderScan) mountsOf(p proc.Process) ([]proc.Mount, error) {
	key, err := p.FS().ReadLink(p.Path("ns", "mnt"))
	if err != nil {
		key = "pid:" + strconv.Itoa(p.PID)
	}
	if ms, ok := s.mounts[key]; ok {
		return ms, nil
	}
	ms, err := p.MountInfo()
	if err != nil {
		return nil, err
	}
	s.mounts[key] = ms
	return ms, nil
}

// linkMounts returns the mount table that the text of p's cwd and root links
// is relative to: the kernel writes those paths as seen from the reader's
// root, so on the live /proc that is the reader's own table (self), which
// also places a container's cwd correctly. A capture has no self; there
// the process's own table is used.
func (s *holderScan) linkMounts(p proc.Process) ([]proc.Mount, error) {
	if ms, ok := s.mounts["self"]; ok {
		return ms, nil
	}
	if rawDir(s.fsys) != "" {
		if b, err := s.fsys.ReadFile("self/mountinfo"); err == nil {
			if ms, err := proc.ParseMountInfo(b); err == nil {
				s.mounts["self"] = ms
				return ms, nil
			}
		}
	}
	return s.mountsOf(p)
}

// matchMaps reports whether the file is p's executable (a mapping whose
// path is exePath, the exe link's) or otherwise mapped. A deleted file (no
// device and inode) is matched by its mappings' path "PATH (deleted)".
func (s *holderScan) matchMaps(p proc.Process, exePath string) (exe, mapped bool, err error) {
	maps, err := p.Maps()
	if err != nil {
		return false, false, err
	}
	for _, m := range maps {
		if s.byDevIno() {
			if m.Inode != s.ref.Ino || m.Dev() != s.ref.Dev {
				continue
			}
		} else if m.Path != s.ref.Path+deletedSuffix {
			continue
		}
		if exePath != "" && m.Path == exePath {
			exe = true
		} else {
			mapped = true
		}
	}
	return exe, mapped, nil
}

// matchDirLink checks p's cwd or root. The link is followed only when the
// longest mount point that prefixes the link's path has the file's device,
// so links into other (possibly hung) file systems are never stat'ed.
func (s *holderScan) matchDirLink(p proc.Process, which string) (bool, error) {
	target, err := p.FS().ReadLink(p.Path(which))
	if err != nil {
		return false, err
	}
	mounts, err := s.linkMounts(p)
	if err != nil {
		return false, err
	}
	best := -1
	for i, m := range mounts {
		if under(target, m.MountPoint) && (best < 0 || len(m.MountPoint) >= len(mounts[best].MountPoint)) {
			best = i
		}
	}
	if best < 0 || mounts[best].Dev() != s.ref.Dev {
		return false, nil
	}
	id, err := p.FS().StatLink(p.Path(which))
	if err != nil {
		return false, err
	}
	return id.Dev == s.ref.Dev && id.Ino == s.ref.Ino, nil
}

func under(path, dir string) bool {
	if dir == "/" {
		return strings.HasPrefix(path, "/")
	}
	return path == dir || strings.HasPrefix(path, dir) && len(path) > len(dir) && path[len(dir)] == '/'
}

// Holders stats path (following symbolic links, once) and returns the
// processes holding that file, as [HoldersOf], which describes ctx and the
// failures. When path does not exist, the processes holding a deleted file
// that had this path are returned.
// fsys is normally the live /proc, since path is looked up in the caller's
// file system.
func Holders(ctx context.Context, fsys *proc.FS, path string) (HolderScan, error) {
	dev, ino, isDir, err := statPath(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return HolderScan{}, err
		}
		return HoldersOf(ctx, fsys, FileRef{Path: path})
	}
	return HoldersOf(ctx, fsys, FileRef{Dev: dev, Ino: ino, Path: path, notDir: !isDir})
}
