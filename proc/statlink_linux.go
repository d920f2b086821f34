//go:build linux

package proc

import (
	"golang.org/x/sys/unix"

	"github.com/procscope/procscope/internal/procint"
)

// statLive stats the file behind a link of the live tree with statx and
// AT_STATX_DONT_SYNC: following a /proc link does no path lookup in the
// target's file system, and with that flag network file systems (NFS, FUSE,
// CIFS) answer from their attribute cache instead of asking a server that may
// hang.
func statLive(path string) (FileID, error) {
	var stx unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, unix.AT_STATX_DONT_SYNC, procint.StatxMask, &stx); err != nil {
		return FileID{}, err
	}
	return FileID(procint.FileIDOfStatx(&stx)), nil
}
