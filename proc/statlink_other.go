//go:build !linux

package proc

import (
	"errors"
	"os"
	"syscall"

	"github.com/procscope/procscope/internal/procint"
)

// statLive stats the file behind a link with stat(2): there is no statx.
func statLive(path string) (FileID, error) {
	fi, err := os.Stat(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return FileID{}, pe.Err
		}
		return FileID{}, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return FileID{}, ErrNoFileID
	}
	return FileID{Dev: uint64(st.Dev), Ino: uint64(st.Ino), Nlink: uint64(st.Nlink), Mode: procint.ModeFromStat(uint32(st.Mode))}, nil
}
