//go:build linux

package tree

import (
	"context"
	"encoding/binary"
	"io/fs"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/procscope/procscope/proc"
)

// scanDir is the fast path of Scan for a /proc directory on disk. Per
// process it makes three system calls (openat, read, close of PID/stat
// relative to one directory descriptor), plus openat, getdents64 and close
// of PID/task for a process with more than one thread. Paths are built in a
// reused buffer and passed to raw system calls, so nothing is allocated per
// process beyond its node. The calls are raw (RawSyscall, without telling the
// scheduler): reads of /proc files do not block, and entering the scheduler
// for each of them made the runtime's monitor thread wake and hand off
// processors, adding about half a system call per process.
func scanDir(ctx context.Context, dir string, o Options) (*Snapshot, error) {
	dfd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	defer unix.Close(dfd)
	r := rawReader{dfd: dfd, dents: make([]byte, 32<<10), buf: make([]byte, 4096), path: make([]byte, 0, 128)}
	pids, err := r.listNumeric(dfd, nil, -1)
	if err != nil {
		return nil, &fs.PathError{Op: "getdents64", Path: dir, Err: err}
	}
	if !slices.IsSorted(pids) {
		slices.Sort(pids)
	}
	b := newBuilder(o, len(pids))
	if workers := min(runtime.GOMAXPROCS(0), 4, len(pids)/parallelMin); workers <= 1 {
		r.scan(ctx, b, pids)
	} else {
		// Generating stat files is the kernel's work; spread it over the CPUs.
		parts := make([]*builder, workers)
		var wg sync.WaitGroup
		for i := range parts {
			chunk := pids[i*len(pids)/workers : (i+1)*len(pids)/workers]
			parts[i] = newBuilder(o, len(chunk))
			wg.Go(func() {
				w := rawReader{dfd: dfd, dents: make([]byte, 32<<10), buf: make([]byte, 4096), path: make([]byte, 0, 128)}
				w.scan(ctx, parts[i], chunk)
			})
		}
		wg.Wait()
		for _, p := range parts {
			b.nodes = append(b.nodes, p.nodes...)
			b.fails = append(b.fails, p.fails...) // chunks in pid order: so are the failures
		}
	}
	stopped := ctx.Err() // a worker stopped early: the snapshot is partial
	var stx unix.Statx_t
	return b.link(stopped == nil, func(n *Node) (uint32, bool) {
		r.setPath(n.PID, "")
		_, _, e := unix.RawSyscall6(unix.SYS_STATX, uintptr(dfd), uintptr(unsafe.Pointer(&r.path[0])),
			unix.AT_SYMLINK_NOFOLLOW, unix.STATX_UID, uintptr(unsafe.Pointer(&stx)), 0)
		if e != 0 {
			return 0, false
		}
		return stx.Uid, true
	}), stopped
}

// parallelMin is the number of processes per extra scanning goroutine.
const parallelMin = 512

// scan reads the stat (and task/) of each pid into b, checking ctx before
// each.
func (r *rawReader) scan(ctx context.Context, b *builder, pids []int32) {
	o := b.o
	for _, pid := range pids {
		if ctx.Err() != nil {
			return
		}
		r.setPath(int(pid), "/stat")
		data, err := r.readFile()
		if err != nil {
			b.fail(int(pid), r.pathError("read", err))
			continue
		}
		if len(data) == 0 { // the process exited after the open
			b.fail(int(pid), emptyStat(r.name()))
			continue
		}
		st, err := parseStat(data)
		if err != nil {
			b.fail(int(pid), withPath(err, r.name()))
			continue
		}
		n := b.add(&st)
		if !o.Threads || st.numThreads <= 1 {
			continue
		}
		r.setPath(int(pid), "/task")
		tfd, err := r.openat(unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC)
		if err != nil {
			b.fail(int(pid), r.pathError("open", err))
			continue
		}
		r.tids, err = r.listNumeric(tfd, r.tids[:0], st.numThreads)
		rawClose(tfd)
		if err != nil {
			b.fail(int(pid), r.pathError("getdents64", err))
			continue
		}
		start := len(b.threads)
		for _, tid := range r.tids {
			if int(tid) == st.pid {
				continue
			}
			comm := n.Comm
			if o.ThreadNames {
				r.setPath(int(pid), "/task/")
				r.path = strconv.AppendInt(r.path[:len(r.path)-1], int64(tid), 10)
				r.path = append(r.path, "/comm\x00"...)
				data, err := r.readFile()
				if err != nil {
					b.failThread(int(pid), r.pathError("open", err))
					continue
				}
				if len(data) > 0 && data[len(data)-1] == '\n' {
					data = data[:len(data)-1]
				}
				comm = b.intern(data)
			}
			b.threads = append(b.threads, Thread{TID: int(tid), Comm: comm})
		}
		b.endThreads(n, start)
	}
}

// rawReader reads files below one directory descriptor with reused buffers.
type rawReader struct {
	dfd   int
	dents []byte
	buf   []byte
	path  []byte // NUL-terminated
	tids  []int32
}

// setPath sets the path to "PID" + suffix.
func (r *rawReader) setPath(pid int, suffix string) {
	r.path = strconv.AppendInt(r.path[:0], int64(pid), 10)
	r.path = append(r.path, suffix...)
	r.path = append(r.path, 0)
}

// name returns the current path without its NUL.
func (r *rawReader) name() string { return string(r.path[:len(r.path)-1]) }

func (r *rawReader) pathError(op string, err error) error {
	return proc.PathError(op, r.name(), err)
}

func (r *rawReader) openat(flags int) (int, error) {
	for {
		fd, _, e := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(r.dfd), uintptr(unsafe.Pointer(&r.path[0])), uintptr(flags), 0, 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			return -1, errnoErr(e)
		}
		return int(fd), nil
	}
}

// readFile reads the whole file at the current path into r.buf. A read
// that does not fill the buffer returns the whole of a /proc file, so a
// stat costs one read.
func (r *rawReader) readFile() ([]byte, error) {
	fd, err := r.openat(unix.O_RDONLY | unix.O_CLOEXEC)
	if err != nil {
		return nil, err
	}
	defer rawClose(fd)
	n := 0
	for {
		m, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&r.buf[n])), uintptr(len(r.buf)-n))
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			return nil, e
		}
		n += int(m)
		if m == 0 || n < len(r.buf) {
			return r.buf[:n], nil
		}
		r.buf = append(r.buf, make([]byte, len(r.buf))...)
	}
}

// listNumeric appends the numeric entry names of the directory fd to ids.
// When want > 0 it stops after a batch that brings it to want entries,
// sparing the final empty getdents64.
func (r *rawReader) listNumeric(fd int, ids []int32, want int) ([]int32, error) {
	found := 0
	for {
		m, _, e := unix.RawSyscall(unix.SYS_GETDENTS64, uintptr(fd), uintptr(unsafe.Pointer(&r.dents[0])), uintptr(len(r.dents)))
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			return ids, e
		}
		n := int(m)
		if n == 0 {
			return ids, nil
		}
		b := r.dents[:n]
		for len(b) >= 19 {
			reclen := int(binary.NativeEndian.Uint16(b[16:18]))
			if reclen < 19 || reclen > len(b) {
				break
			}
			name := b[19:reclen]
			if i := slices.Index(name, 0); i >= 0 {
				name = name[:i]
			}
			if v, ok := parseUint(name); ok && v > 0 && v <= 1<<31-1 && name[0] != '0' {
				ids = append(ids, int32(v))
				found++
			}
			b = b[reclen:]
		}
		if want > 0 && found >= want {
			return ids, nil
		}
	}
}

func errnoErr(e syscall.Errno) error { return e }

func rawClose(fd int) { unix.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0) }
