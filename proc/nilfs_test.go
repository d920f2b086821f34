package proc_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/procscope/procscope/environ"
	"github.com/procscope/procscope/fd"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/tree"
)

// TestNewNil: proc.New(nil) does not panic; every read fails with an error
// matching fs.ErrInvalid that says what is wrong.
func TestNewNil(t *testing.T) {
	f := proc.New(nil)
	p := f.Process(1)
	for name, err := range map[string]error{
		"PIDs":    second(f.PIDs()),
		"Stat":    second(p.Stat()),
		"Status":  second(p.Status()),
		"Cmdline": second(p.Cmdline()),
		"Exe":     second(p.Exe()),
		"Tasks":   second(p.Tasks()),
		// The packages reading through a *proc.FS get the same error.
		"tree.Scan":    second(tree.Scan(context.Background(), f, nil)),
		"fd.List":      second(fd.List(p, nil)),
		"environ.Read": second(environ.Read(p)),
	} {
		if !errors.Is(err, fs.ErrInvalid) || !strings.Contains(err.Error(), "nil fs.FS") {
			t.Errorf("%s of proc.New(nil): %v; want an error matching fs.ErrInvalid naming the nil fs.FS", name, err)
		}
	}
	for _, err := range f.All() {
		if !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("All of proc.New(nil) yielded %v; want fs.ErrInvalid", err)
		}
	}
}

func second[T any](_ T, err error) error { return err }
