//go:build !linux

package proc

import (
	"io/fs"
	"os"
)

// isProcMount reports whether dir is a mounted proc file system; there is
// none outside Linux.
func isProcMount(string) bool { return false }

var useOpenat2 = false

func openBeneath(dir string) (*beneathDir, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &beneathDir{dir: dir, dfd: -1, root: r}, nil
}

func (d *beneathDir) readFile(name string, buf []byte) ([]byte, string, error) {
	if err := check("open", name); err != nil {
		return buf, "open", fs.ErrInvalid
	}
	return d.rootReadFile(name, buf)
}

func (d *beneathDir) readLink(name string) (string, error)   { return d.rootReadLink(name) }
func (d *beneathDir) lstat(name string) (fs.FileInfo, error) { return d.rootLstat(name) }
func (d *beneathDir) open(name string) (*os.File, error)     { return d.rootOpen("open", name) }
