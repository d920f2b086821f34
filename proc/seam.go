package proc

import "github.com/procscope/procscope/internal/procint"

// The packages beside this one (fd, tree, environ) reach what they need of
// an FS, and this package's error handling, through internal/procint: one
// implementation, here, and no exported plumbing.
func init() {
	procint.LiveDir = func(fsys any) string { return fsys.(*FS).liveDir() }
	procint.PathError = pathError
	procint.WithPath = withPath
	procint.Damaged = func(fsys any, name string, err error) error { return fsys.(*FS).damaged(name, err) }
}
