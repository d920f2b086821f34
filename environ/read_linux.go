//go:build linux

package environ

import (
	"fmt"
	"io/fs"
	"slices"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/procscope/procscope/proc"
)

// The live fast path, measured by BenchmarkRead1MiB: proc.FS.ReadFile
// grows a fresh buffer by doubling (about 4 MiB allocated and copied for a
// 1 MiB environment, slower than procfs). Reading into a pooled buffer and
// copying the result once into an exactly sized slice makes Read one
// allocation for the bytes plus one for the entries.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// maxPooled keeps a process with a huge environment from pinning its buffer.
const maxPooled = 4 << 20

// readLive reads the file at osPath; name is the path reported in errors.
// ok is false when the fast path does not apply.
func readLive(osPath, name string) (b []byte, ok bool, err error) {
	fd, err := unix.Open(osPath, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, true, pathErr("open", name, err)
	}
	defer unix.Close(fd)
	bp := bufPool.Get().(*[]byte)
	buf := (*bp)[:0]
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, cap(buf))
		}
		n, err := unix.Read(fd, buf[len(buf):cap(buf)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, true, pathErr("read", name, err)
		}
		if n == 0 {
			break
		}
		buf = buf[:len(buf)+n]
	}
	out := make([]byte, len(buf))
	copy(out, buf)
	if cap(buf) <= maxPooled {
		*bp = buf
		bufPool.Put(bp)
	}
	return out, true, nil
}

// pathErr normalises like proc does: ESRCH (the process is gone) matches
// proc.ErrGone and fs.ErrNotExist; ENOENT, EACCES and EPERM match the fs
// errors through unix.Errno's own Is.
func pathErr(op, name string, err error) error {
	if err == unix.ESRCH {
		err = fmt.Errorf("%w: %w: %w", err, proc.ErrGone, fs.ErrNotExist)
	}
	return &fs.PathError{Op: op, Path: name, Err: err}
}
