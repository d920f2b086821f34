//go:build linux

package procint

import "golang.org/x/sys/unix"

// StatxMask is what [FileIDOfStatx] needs statx(2) to fill in.
const StatxMask = unix.STATX_TYPE | unix.STATX_MODE | unix.STATX_INO | unix.STATX_NLINK

// FileIDOfStatx converts what statx(2) returned, for the packages that stat
// the links of the live /proc themselves (relative to a directory
// descriptor, say) and want the same proc.FileID as proc.FS.StatLink.
func FileIDOfStatx(stx *unix.Statx_t) FileID {
	return FileID{
		Dev:   unix.Mkdev(stx.Dev_major, stx.Dev_minor),
		Ino:   stx.Ino,
		Nlink: uint64(stx.Nlink),
		Mode:  ModeFromStat(uint32(stx.Mode)),
	}
}
