// Package procint is the seam between package proc and the packages beside
// it (fd, tree, environ) that read the same trees: what they need of a
// [proc.FS] or of proc's error handling that is no part of the public API.
//
// The hooks are set by package proc when it is initialised, from its own
// unexported functions, so that the logic lives in one place; every package
// that calls them imports proc, which is therefore initialised first.
// The pure helpers (file modes, statx) live here and proc uses them too.
package procint

import (
	"io/fs"
	"syscall"
)

// Hooks set by package proc. A fsys argument is a *proc.FS.
var (
	// LiveDir returns the directory of fsys when it is the live /proc (a
	// mounted proc file system, decided once by proc.NewDir and reported
	// by proc.FS.Live), for packages that read it with direct system
	// calls; otherwise "".
	LiveDir func(fsys any) string

	// PathError wraps the failure of a system call on the file name
	// (relative to the tree's root) as proc.FS's methods do: ESRCH
	// matches proc.ErrGone and fs.ErrNotExist, ENOENT fs.ErrNotExist,
	// EACCES and EPERM fs.ErrPermission.
	PathError func(op, name string, err error) error

	// WithPath names the file in the *proc.ParseErrors of err (itself, or
	// wrapped or joined in it) that a parser of bytes returned without
	// one, and returns err.
	WithPath func(err error, name string) error

	// Damaged returns the error for name, a file of fsys that must exist,
	// found missing (err matches fs.ErrNotExist) or, with err nil, empty:
	// in a capture an error matching proc.ErrDamaged, elsewhere err.
	Damaged func(fsys any, name string, err error) error
)

// FileID has the fields of proc.FileID, so that one converts to the other.
type FileID struct {
	Dev   uint64
	Ino   uint64
	Nlink uint64
	Mode  fs.FileMode
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

// RawMode converts an [fs.FileMode] back to st_mode bits, the inverse of
// [ModeFromStat] (a mode without a type bit is a regular file).
func RawMode(m fs.FileMode) uint32 {
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
