//go:build linux

package proc

import "golang.org/x/sys/unix"

// StatxMask is what [FileIDOfStatx] needs statx(2) to fill in.
const StatxMask = unix.STATX_TYPE | unix.STATX_MODE | unix.STATX_INO | unix.STATX_NLINK

// FileIDOfStatx converts what statx(2) returned, for packages that stat the
// links of the live /proc themselves (relative to a directory descriptor,
// say) and want the same FileID as [FS.StatLink].
func FileIDOfStatx(stx *unix.Statx_t) FileID {
	return FileID{
		Dev:   unix.Mkdev(stx.Dev_major, stx.Dev_minor),
		Ino:   stx.Ino,
		Nlink: uint64(stx.Nlink),
		Mode:  ModeFromStat(uint32(stx.Mode)),
	}
}

// statLive stats the file behind a link of the live tree with statx and
// AT_STATX_DONT_SYNC: following a /proc link does no path lookup in the
// target's file system, and with that flag network file systems (NFS, FUSE,
// CIFS) answer from their attribute cache instead of asking a server that may
// hang.
func statLive(path string) (FileID, error) {
	var stx unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, unix.AT_STATX_DONT_SYNC, StatxMask, &stx); err != nil {
		return FileID{}, err
	}
	return FileIDOfStatx(&stx), nil
}
