// Package countfs wraps a file system laid out like /proc and counts the
// opens of each process's files, for the tests of scans that must stop
// reading once their context is done.
package countfs

import (
	"io/fs"
	"maps"
	"strconv"
	"strings"
	"sync"
)

// FS counts the opens, readlinks and lstats of fsys's files by pid (the
// first element of the name) and the listings of its root. It is safe for
// concurrent use.
type FS struct {
	fs.FS
	// Hook, if set, is called after each open of a process's file, with
	// its pid, under the FS's lock.
	Hook func(pid int)

	mu     sync.Mutex
	opens  map[int]int
	listed int
}

// New returns an FS counting the opens of fsys.
func New(fsys fs.FS) *FS { return &FS{FS: fsys, opens: map[int]int{}} }

// Open counts the open, calls Hook for a process's file, and opens name.
func (c *FS) Open(name string) (fs.File, error) {
	c.count(name)
	return c.FS.Open(name)
}

// ReadLink counts like Open and reads the link name ([fs.ReadLinkFS]).
func (c *FS) ReadLink(name string) (string, error) {
	c.count(name)
	return fs.ReadLink(c.FS, name)
}

// Lstat counts like Open and returns the link's own information.
func (c *FS) Lstat(name string) (fs.FileInfo, error) {
	c.count(name)
	return fs.Lstat(c.FS, name)
}

func (c *FS) count(name string) {
	c.mu.Lock()
	first, _, _ := strings.Cut(name, "/")
	if pid, err := strconv.Atoi(first); err == nil {
		c.opens[pid]++
		if c.Hook != nil {
			c.Hook(pid)
		}
	} else if name == "." {
		c.listed++
	}
	c.mu.Unlock()
}

// Opens returns a copy of the number of opens of each process's files.
func (c *FS) Opens() map[int]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.opens)
}

// Listed returns how many times the root was opened (listed).
func (c *FS) Listed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.listed
}
