// Package copytree copies a directory tree, such as a capture, for tests
// that change a copy: [proctest.CopyCapture] and package proc's own tests,
// which cannot import proctest (proctest imports proc).
//
// [proctest.CopyCapture]: https://pkg.go.dev/github.com/procscope/procscope/proctest#CopyCapture
package copytree

import (
	"io/fs"
	"os"
	"path/filepath"
)

// Copy copies the directory tree src to dst, which may exist. Symbolic
// links are copied as links, never followed; directories are made 0700
// and files 0600, as a capture is written.
func Copy(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(target, to)
		case d.IsDir():
			return os.MkdirAll(to, 0o700)
		default:
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(to, b, 0o600)
		}
	})
}
