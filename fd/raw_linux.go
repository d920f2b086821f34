//go:build linux

package fd

import (
	"bytes"
	"io/fs"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/procscope/procscope/internal/num"
	"github.com/procscope/procscope/internal/oneline"
	"github.com/procscope/procscope/internal/procint"
	"github.com/procscope/procscope/internal/rawio"
	"github.com/procscope/procscope/proc"
)

// The raw path lists a live /proc with getdents64, readlinkat and fstatat
// on one directory fd, reusing buffers: one readlink and one lstat per fd,
// which is what ls -l does minus its extra getxattr calls (measured in
// BenchmarkList). It is used only on the live /proc ([proc.FS.Live]), never
// on a capture, whose link modes live in capture.json.

// rawDir returns the directory of f when it is the live /proc, or "".
func rawDir(f *proc.FS) string { return procint.LiveDir(f) }

var bufPool = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// parallelMin is the fd count from which the links are read by several
// threads at once: each readlink costs a few microseconds of kernel time,
// so a process with tens of thousands of fds lists faster on all CPUs.
const parallelMin = 4096

// listRaw lists the fds; with withInfo it also reads and parses each
// fdinfo (with openat on one fdinfo directory fd and a reused buffer), and
// with withStat it stats the file behind each link, returning the per-fd
// fdinfo and stat failures in errs with the entries kept (as listFS does).
func listRaw(dir string, p proc.Process, withMode, withInfo, withStat bool) (fds []FD, vanished int, errs []error, err error) {
	fdDir := dir + "/" + p.Path("fd")
	dfd, err := unix.Open(fdDir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, 0, nil, procint.PathError("open", p.Path("fd"), err)
	}
	defer unix.Close(dfd)
	infoDfd := -1
	if withInfo {
		infoDfd, err = unix.Open(dir+"/"+p.Path("fdinfo"), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			// Every entry keeps a nil Info; say why once.
			errs = append(errs, &fs.PathError{Op: "open", Path: p.Path("fdinfo"), Err: err})
			withInfo = false
		} else {
			defer unix.Close(infoDfd)
		}
	}

	nums, err := readFDNums(dfd)
	if err != nil {
		return nil, 0, nil, procint.PathError("getdents", p.Path("fd"), err)
	}
	slices.Sort(nums) // the kernel gives numeric order already; this is cheap then

	fds = make([]FD, len(nums))
	ok := make([]bool, len(nums))
	arch := p.FS().Arch() // the running kernel's, whose numbers are normally this program's
	workers := 1
	if len(nums) >= parallelMin {
		workers = min(runtime.GOMAXPROCS(0), len(nums)/(parallelMin/2))
	}
	fatal := make([]error, workers) // per worker: a readlink failure that ends the listing
	perFD := make([][]error, workers)
	var wg sync.WaitGroup
	chunk := (len(nums) + workers - 1) / workers
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, len(nums))
		work := func() {
			var lbuf [4096]byte // PATH_MAX: readlink of an fd never returns more
			var st unix.Stat_t
			var stx unix.Statx_t
			var ibuf []byte
			for i := lo; i < hi; i++ {
				target, perm, found, err := readEntry(dfd, nums[i], lbuf[:], &st, withMode)
				if err != nil {
					fatal[w] = &fs.PathError{Op: "readlink", Path: p.Path("fd", strconv.Itoa(nums[i])), Err: err}
					return
				}
				if !found {
					continue
				}
				fds[i], ok[i] = newFD(nums[i], target, perm, withMode), true
				if withStat {
					if err := statEntry(dfd, nums[i], &stx, &fds[i]); err != nil {
						perFD[w] = append(perFD[w], &fs.PathError{Op: "stat", Path: p.Path("fd", strconv.Itoa(nums[i])), Err: err})
					}
				}
				if withInfo {
					var b []byte
					b, ibuf, err = readAt(infoDfd, nums[i], ibuf)
					if err == nil {
						var in Info
						if in, err = ParseInfo(b); err == nil {
							in.Flags = in.Flags.FromArch(arch)
							fds[i].setInfo(in, withMode)
						} else {
							err = procint.WithPath(err, p.Path("fdinfo", strconv.Itoa(nums[i])))
						}
					} else if err != unix.ENOENT && err != unix.ESRCH {
						err = &fs.PathError{Op: "read", Path: p.Path("fdinfo", strconv.Itoa(nums[i])), Err: err}
					} else {
						err = nil // closed meanwhile: the entry stays, without Info
					}
					if err != nil {
						perFD[w] = append(perFD[w], err)
					}
				}
			}
		}
		if w == workers-1 {
			work() // the last chunk on this goroutine
			break
		}
		wg.Add(1)
		go func() { defer wg.Done(); work() }()
	}
	wg.Wait()
	if err := oneline.Join(fatal); err != nil {
		return nil, 0, nil, err
	}
	n := 0
	for i := range fds {
		if ok[i] {
			fds[n] = fds[i]
			n++
		}
	}
	for _, e := range perFD {
		errs = append(errs, e...)
	}
	return fds[:n], len(fds) - n, errs, nil
}

// statEntry stats the file behind fd link num and fills f.File (and the
// inode and subtype from it). A closed fd is no error. It uses statx with
// AT_STATX_DONT_SYNC: following an fd link does no lookup in the target's
// file system, and with that flag network file systems (NFS, FUSE, CIFS)
// answer from their attribute cache instead of asking a server that may
// hang.
func statEntry(dfd, num int, stx *unix.Statx_t, f *FD) error {
	var nameBuf [24]byte
	cname := strconv.AppendInt(nameBuf[:0], int64(num), 10)
	cname = append(cname, 0)
	_, _, e := unix.Syscall6(unix.SYS_STATX, uintptr(dfd), uintptr(unsafe.Pointer(&cname[0])),
		unix.AT_STATX_DONT_SYNC, procint.StatxMask, uintptr(unsafe.Pointer(stx)), 0)
	if e != 0 {
		if e == unix.ENOENT || e == unix.ESRCH {
			return nil
		}
		return e
	}
	f.setFile(proc.FileID(procint.FileIDOfStatx(stx)))
	return nil
}

// readAt reads the whole file num (a decimal name) in directory dfd into
// buf, growing it as needed, and returns the content and the buffer.
func readAt(dfd, num int, buf []byte) ([]byte, []byte, error) {
	var nameBuf [24]byte
	cname := strconv.AppendInt(nameBuf[:0], int64(num), 10)
	cname = append(cname, 0)
	r, _, e := unix.Syscall6(unix.SYS_OPENAT, uintptr(dfd), uintptr(unsafe.Pointer(&cname[0])), unix.O_RDONLY|unix.O_CLOEXEC, 0, 0, 0)
	if e != 0 {
		return nil, buf, e
	}
	fd := int(r)
	defer unix.Close(fd)
	buf, err := rawio.ReadAll(fd, buf[:0])
	if err != nil {
		return nil, buf, err
	}
	return buf, buf, nil
}

// readFDNums reads the fd numbers of an open /proc/PID/fd with getdents64.
func readFDNums(dfd int) ([]int, error) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	dbuf := *bp
	var nums []int
	for {
		n, err := unix.Getdents(dfd, dbuf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nums, nil
		}
		for b := dbuf[:n]; len(b) > 19; {
			// struct linux_dirent64: ino u64, off s64, reclen u16, type u8, name.
			reclen := int(*(*uint16)(unsafe.Pointer(&b[16])))
			if reclen <= 19 || reclen > len(b) {
				break
			}
			name := b[19:reclen]
			b = b[reclen:]
			if i := bytes.IndexByte(name, 0); i >= 0 {
				name = name[:i]
			}
			if n, ok := num.UintN(name, 31); ok { // skips "." and ".."
				nums = append(nums, int(n))
			}
		}
	}
}

// readEntry reads one fd link, and with withMode its permission bits. found
// is false when the fd was closed meanwhile.
func readEntry(dfd, num int, lbuf []byte, st *unix.Stat_t, withMode bool) (target string, perm fs.FileMode, found bool, err error) {
	var nameBuf [24]byte
	cname := strconv.AppendInt(nameBuf[:0], int64(num), 10)
	cname = append(cname, 0)
	p := unsafe.Pointer(&cname[0])
	// RawSyscall: readlink of a /proc fd link and lstat of the link itself
	// never block (the target's file system is not touched), so the
	// runtime's syscall bookkeeping (entersyscall, sysmon handoffs) is
	// skipped; measured to cut the listing's CPU time.
	n, _, e := unix.RawSyscall6(unix.SYS_READLINKAT, uintptr(dfd), uintptr(p), uintptr(unsafe.Pointer(&lbuf[0])), uintptr(len(lbuf)), 0, 0)
	if e != 0 {
		if e == unix.ENOENT || e == unix.ESRCH {
			return "", 0, false, nil
		}
		return "", 0, false, e
	}
	target = string(lbuf[:n])
	if !withMode {
		return target, 0, true, nil
	}
	if bytes.HasPrefix(lbuf[:n], socketPrefix) {
		// A socket's file is always open for reading and writing
		// (sock_alloc_file opens it O_RDWR, and a socket cannot be
		// reopened by path), so its link mode is known without the lstat,
		// which is a third of the cost of listing a socket.
		return target, 0o600, true, nil
	}
	_, _, e = unix.RawSyscall6(unix.SYS_NEWFSTATAT, uintptr(dfd), uintptr(p), uintptr(unsafe.Pointer(st)), unix.AT_SYMLINK_NOFOLLOW, 0, 0)
	if e != 0 {
		if e == unix.ENOENT || e == unix.ESRCH {
			return "", 0, false, nil
		}
		return "", 0, false, e
	}
	return target, fs.FileMode(st.Mode & 0o777), true, nil
}

var socketPrefix = []byte("socket:[")

var sizeCountsFDs = sync.OnceValue(func() bool {
	// Since Linux 6.2 the size of /proc/PID/fd is the number of open fds.
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return false
	}
	return releaseAtLeast(unix.ByteSliceToString(u.Release[:]), 6, 2)
})

// countRaw stats /proc/PID/fd; ok is false when the kernel is too old for
// its size to be the fd count.
func countRaw(dir string, p proc.Process) (n int, ok bool, err error) {
	if !sizeCountsFDs() {
		return 0, false, nil
	}
	var st unix.Stat_t
	if err := unix.Stat(dir+"/"+p.Path("fd"), &st); err != nil {
		return 0, false, procint.PathError("stat", p.Path("fd"), err)
	}
	return int(st.Size), true, nil
}

// statPath stats a path in the caller's file system.
func statPath(path string) (dev, ino uint64, isDir bool, err error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, 0, false, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	return st.Dev, st.Ino, st.Mode&unix.S_IFMT == unix.S_IFDIR, nil
}

// sockProtoName returns the protocol name of the socket behind the fd link
// path (the system.sockprotoname attribute of sockfs, such as "NETLINK"),
// or "" when it cannot be read or the fd no longer holds the socket inode
// (it was closed and the number reused meanwhile).
func sockProtoName(path string, inode uint64) string {
	var buf [64]byte
	n, err := unix.Getxattr(path, "system.sockprotoname", buf[:])
	if err != nil || n <= 0 {
		return ""
	}
	var st unix.Stat_t
	if unix.Stat(path, &st) != nil || st.Ino != inode {
		return ""
	}
	name := buf[:n]
	if i := bytes.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	return string(name)
}
