package proc

import (
	"errors"
	"strings"
)

// Exe describes /proc/PID/exe: the executable a process runs.
type Exe struct {
	// Path is the link target, without the " (deleted)" suffix when the
	// binary was deleted.
	Path string
	// Deleted reports whether the binary has no name left on disk. It is
	// decided by the link count of the file behind the link, not by the
	// suffix alone: a live binary may really be named "x (deleted)".
	Deleted bool
	// Dev and Ino identify the executable (Dev is the kernel's encoded
	// dev_t). They are zero when the FS cannot tell (see ErrNoFileID).
	Dev uint64
	Ino uint64
}

const deletedSuffix = " (deleted)"

// readExe reads the exe link and stats the file behind it. Kernel threads
// have no exe: the error then matches fs.ErrNotExist.
func readExe(f *FS, name string) (Exe, error) {
	target, err := f.ReadLink(name)
	if err != nil {
		return Exe{}, err
	}
	id, err := f.StatLink(name)
	switch {
	case err == nil:
		e := Exe{Path: target, Dev: id.Dev, Ino: id.Ino}
		if id.Nlink == 0 {
			e.Deleted = true
			e.Path = strings.TrimSuffix(target, deletedSuffix)
		}
		return e, nil
	case errors.Is(err, ErrNoFileID):
		// A tree that cannot follow links (an fstest.MapFS without
		// capture.json): the suffix is all there is to go by.
		if p, ok := strings.CutSuffix(target, deletedSuffix); ok {
			return Exe{Path: p, Deleted: true}, nil
		}
		return Exe{Path: target}, nil
	default:
		return Exe{}, err
	}
}
