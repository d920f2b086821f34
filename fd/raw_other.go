//go:build !linux

package fd

import (
	"errors"
	"io/fs"

	"github.com/procscope/procscope/proc"
)

// Off Linux there is no proc file system to take the raw path on.
func rawDir(*proc.FS) string { return "" }

func listRaw(string, proc.Process, bool, bool, bool) ([]FD, int, []error, error) {
	panic("unreachable")
}

func countRaw(string, proc.Process) (int, bool, error) { return 0, false, nil }

func statPath(path string) (uint64, uint64, bool, error) {
	return 0, 0, false, &fs.PathError{Op: "stat", Path: path, Err: errors.ErrUnsupported}
}

const parallelMin = 4096

func sockProtoName(string, uint64) string { return "" }
