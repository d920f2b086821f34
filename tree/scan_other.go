//go:build !linux

package tree

import "github.com/procscope/procscope/proc"

// scanDir reads through the FS where there is no raw Linux fast path.
func scanDir(dir string, o Options) (*Snapshot, error) {
	return scanFS(proc.NewDir(dir), o)
}
