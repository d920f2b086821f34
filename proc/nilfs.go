package proc

import (
	"fmt"
	"io/fs"
)

// errNilFS is the cause of every read of New(nil).
var errNilFS = fmt.Errorf("proc.New was given a nil fs.FS: %w", fs.ErrInvalid)

// nilFS stands in for the nil fs.FS given to [New], so that reads fail with
// a clear error instead of a nil dereference.
type nilFS struct{}

func (nilFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: errNilFS}
}
