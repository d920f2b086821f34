package proctest

import (
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"syscall"
	"time"
)

// FD is an open file of a [Process]. Make one with [File], [PipeRead],
// [PipeWrite], [TCP], [UDP], [UnixListener], [UnixConn], [Netlink], [Eventfd], [Epoll], [Timerfd], [Signalfd],
// [Inotify] or [Pidfd], then adjust its exported fields. An FD literal
// with only Num and Path set is a regular file opened read-only.
type FD struct {
	Num int // the descriptor number

	// Flags are the open flags as given to open(2), such as
	// os.O_RDWR|os.O_APPEND|syscall.O_CLOEXEC; fdinfo prints them in
	// octal, and the access mode gives the link's permission bits.
	Flags int
	Pos   int64 // the file offset (fdinfo pos)

	Path    string // for a file: its path
	Deleted bool   // for a file: it was deleted; the link reads "PATH (deleted)"

	// Inode is the inode of the file, pipe or socket. Zero lets the
	// builder choose: the same inode for every use of one path, and a new
	// one for each pipe or socket. Give a pipe's two ends the same Inode.
	Inode uint64

	kind    fdKind
	sock    *socket
	count   uint64        // eventfd
	watched []int         // epoll: fds of the same process
	watches []string      // inotify: paths
	period  time.Duration // timerfd
	sigmask uint64        // signalfd
	pid     int           // pidfd
}

type fdKind int

const (
	kindFile fdKind = iota
	kindPipe
	kindSocket
	kindEventfd
	kindEpoll
	kindTimerfd
	kindSignalfd
	kindInotify
	kindPidfd
)

// File returns fd num open on the file path with the given open flags.
func File(num int, path string, flags int) FD { return FD{Num: num, Path: path, Flags: flags} }

// PipeRead returns fd num open on the read end of the pipe with inode ino
// (0 for a new pipe); give the write end, in the same process or another,
// the same inode.
func PipeRead(num int, ino uint64) FD {
	return FD{Num: num, kind: kindPipe, Inode: ino, Flags: os.O_RDONLY}
}

// PipeWrite returns fd num open on the write end of the pipe with inode
// ino (0 for a new pipe).
func PipeWrite(num int, ino uint64) FD {
	return FD{Num: num, kind: kindPipe, Inode: ino, Flags: os.O_WRONLY}
}

// TCP states as /proc/net/tcp numbers them.
const (
	TCPEstablished = 1
	TCPListen      = 10
)

// TCP returns fd num open on a TCP socket with the given addresses and
// state ([TCPListen], [TCPEstablished], ...), listed in the net/tcp table
// of the process's network namespace (net/tcp6 for an IPv6 local address).
func TCP(num int, local, remote netip.AddrPort, state uint8) FD {
	return sockFD(num, &socket{table: "tcp", local: local, remote: remote, state: state})
}

// UDP returns fd num open on a UDP socket, listed in net/udp (net/udp6 for
// an IPv6 local address); unconnected when remote is the zero AddrPort.
func UDP(num int, local, remote netip.AddrPort) FD {
	st := uint8(7) // TCP_CLOSE: unconnected
	if remote.IsValid() && remote.Port() != 0 {
		st = 1
	}
	return sockFD(num, &socket{table: "udp", local: local, remote: remote, state: st})
}

// UnixListener returns fd num open on a listening stream unix socket bound
// to path ("@name" for an abstract name), listed in net/unix.
func UnixListener(num int, path string) FD {
	return sockFD(num, &socket{table: "unix", path: path, listening: true})
}

// UnixConn returns fd num open on a connected stream unix socket, bound to
// path ("" for the usual unbound end, "@name" for an abstract name), listed
// in net/unix.
func UnixConn(num int, path string) FD {
	return sockFD(num, &socket{table: "unix", path: path})
}

// Netlink returns fd num open on a netlink socket of the given family
// (NETLINK_ROUTE is 0) and port id, listed in net/netlink.
func Netlink(num int, family int, portID uint32) FD {
	return sockFD(num, &socket{table: "netlink", family: family, portID: portID})
}

func sockFD(num int, s *socket) FD {
	return FD{Num: num, kind: kindSocket, sock: s, Flags: os.O_RDWR}
}

// Eventfd returns fd num open on an eventfd holding count.
func Eventfd(num int, count uint64) FD {
	return FD{Num: num, kind: kindEventfd, count: count, Flags: os.O_RDWR}
}

// Epoll returns fd num open on an epoll instance watching the given fds of
// the same process for EPOLLIN.
func Epoll(num int, watched ...int) FD {
	return FD{Num: num, kind: kindEpoll, watched: watched, Flags: os.O_RDWR}
}

// Timerfd returns fd num open on a CLOCK_MONOTONIC timerfd firing every
// period (0 for a disarmed timer).
func Timerfd(num int, period time.Duration) FD {
	return FD{Num: num, kind: kindTimerfd, period: period, Flags: os.O_RDWR}
}

// Signalfd returns fd num open on a signalfd accepting the given signals.
func Signalfd(num int, sigs ...syscall.Signal) FD {
	f := FD{Num: num, kind: kindSignalfd, Flags: os.O_RDWR}
	for _, s := range sigs {
		f.sigmask |= 1 << (uint(s) - 1)
	}
	return f
}

// Inotify returns fd num open on an inotify instance watching the given
// paths (each path has the inode the tree gives it everywhere).
func Inotify(num int, paths ...string) FD {
	return FD{Num: num, kind: kindInotify, watches: paths, Flags: os.O_RDONLY}
}

// Pidfd returns fd num open on a pidfd for the process pid.
func Pidfd(num int, pid int) FD {
	return FD{Num: num, kind: kindPidfd, pid: pid, Flags: os.O_RDWR}
}

// socket is one line of a network table.
type socket struct {
	table         string
	ino           uint64
	local, remote netip.AddrPort
	state         uint8
	path          string
	listening     bool
	family        int
	portID        uint32
	uid           uint32
	ownerPID      int
	netlinkGroups uint32
}

// resolvedFD is an FD with its link target and the file behind it decided.
type resolvedFD struct {
	FD
	target string
	dev    uint64
	ino    uint64
	nlink  uint64
	mode   uint32 // st_mode of the file behind the link
	mntID  int
}

// linkMode is the permission of the fd link: read and execute for reading,
// write and execute for writing, as tid_fd_update_inode sets it.
func (f resolvedFD) linkMode() uint32 {
	switch f.Flags & 3 {
	case os.O_RDONLY:
		return 0o500
	case os.O_WRONLY:
		return 0o300
	case os.O_RDWR:
		return 0o700
	}
	return 0
}

func (bd *builder) resolve(p *proc_, f FD) resolvedFD {
	r := resolvedFD{FD: f, nlink: 1}
	switch f.kind {
	case kindFile:
		r.ino = f.Inode
		if r.ino == 0 {
			r.ino = bd.pathIno(f.Path)
		}
		r.target, r.dev, r.mode, r.mntID = f.Path, rootDev, syscall.S_IFREG|0o644, rootMnt
		if f.Deleted {
			r.target += " (deleted)"
			r.nlink = 0
		}
	case kindPipe:
		r.ino = f.Inode
		if r.ino == 0 {
			r.ino = bd.ino()
		}
		r.target, r.dev, r.mode, r.mntID = "pipe:["+u(r.ino)+"]", pipeDev, syscall.S_IFIFO|0o600, pipeMnt
	case kindSocket:
		r.ino = f.Inode
		if r.ino == 0 {
			r.ino = bd.ino()
		}
		s := *f.sock
		s.ino, s.uid, s.ownerPID = r.ino, p.UID, p.PID
		if (s.table == "tcp" || s.table == "udp") && s.local.Addr().Is6() {
			s.table += "6"
		}
		bd.sockets[p.netns] = append(bd.sockets[p.netns], s)
		r.target, r.dev, r.mode, r.mntID = "socket:["+u(r.ino)+"]", sockDev, syscall.S_IFSOCK|0o777, sockMnt
	default:
		// Anonymous inodes share one inode, as anon_inode_getfile gives.
		r.ino, r.dev, r.mode, r.mntID = bd.anonIno, anonDev, 0o600, anonMnt
		r.target = map[fdKind]string{
			kindEventfd: "anon_inode:[eventfd]", kindEpoll: "anon_inode:[eventpoll]",
			kindTimerfd: "anon_inode:[timerfd]", kindSignalfd: "anon_inode:[signalfd]",
			kindInotify: "anon_inode:inotify", kindPidfd: "anon_inode:[pidfd]",
		}[f.kind]
	}
	return r
}

// formatFDInfo writes /proc/PID/fdinfo/N: pos, flags, mnt_id and ino, then
// the lines of the file's kind.
func (bd *builder) formatFDInfo(p *proc_, f resolvedFD) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pos:\t%d\nflags:\t0%o\nmnt_id:\t%d\nino:\t%d\n", f.Pos, f.Flags, f.mntID, f.ino)
	switch f.kind {
	case kindEventfd:
		fmt.Fprintf(&b, "eventfd-count: %16x\neventfd-id: %d\neventfd-semaphore: 0\n", f.count, f.Num)
	case kindEpoll:
		for _, w := range f.watched {
			var ino, sdev uint64
			for _, o := range p.fds {
				if o.Num == w {
					ino, sdev = o.ino, kdev(o.dev)
				}
			}
			fmt.Fprintf(&b, "tfd: %8d events: %8x data: %16x  pos:0 ino:%x sdev:%x\n", w, 0x19, w, ino, sdev)
		}
	case kindTimerfd:
		armed := uint64(0)
		sec, nsec := uint64(f.period/time.Second), uint64(f.period%time.Second)
		if f.period > 0 {
			armed = 1
		}
		fmt.Fprintf(&b, "clockid: 1\nticks: 0\nsettime flags: 0%o\nit_value: (%d, %d)\nit_interval: (%d, %d)\n", 0, sec*armed, nsec*armed, sec, nsec)
	case kindSignalfd:
		fmt.Fprintf(&b, "sigmask:\t%016x\n", f.sigmask)
	case kindInotify:
		for i, w := range f.watches {
			ino := bd.pathIno(w)
			handle := make([]byte, 8)
			for j := range 8 {
				handle[j] = byte(ino >> (8 * j))
			}
			fmt.Fprintf(&b, "inotify wd:%x ino:%x sdev:%x mask:%x ignored_mask:0 fhandle-bytes:8 fhandle-type:1 f_handle:%s\n",
				i+1, ino, kdev(rootDev), 0xfff, hex.EncodeToString(handle))
		}
	case kindPidfd:
		fmt.Fprintf(&b, "Pid:\t%d\nNSpid:\t%d\n", f.pid, f.pid)
	}
	return b.String()
}

// kdev converts st_dev's encoding to the kernel's internal one
// (MAJOR << 20 | MINOR), which fdinfo's sdev fields print.
func kdev(dev uint64) uint64 {
	major := (dev >> 8) & 0xfff
	minor := dev&0xff | (dev>>12)&^0xff
	return major<<20 | minor
}

// Headers of the network tables, as the kernel prints them.
const (
	tcpHeader  = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
	udpHeader  = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops"
	tcp6Header = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	udp6Header = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
)

// formatNetTable writes one network table with the namespace's sockets.
func formatNetTable(table string, socks []socket) string {
	var b strings.Builder
	switch table {
	case "tcp":
		fmt.Fprintf(&b, "%-149s\n", tcpHeader)
	case "udp", "udplite":
		fmt.Fprintf(&b, "%-127s\n", udpHeader)
	case "raw":
		b.WriteString(udpHeader[1:] + "\n")
	case "tcp6":
		b.WriteString(tcp6Header)
	case "udp6", "udplite6", "raw6":
		b.WriteString(udp6Header)
	case "unix":
		b.WriteString("Num       RefCount Protocol Flags    Type St Inode Path\n")
	case "packet":
		b.WriteString("sk               RefCnt Type Proto  Iface R Rmem   User   Inode\n")
	case "netlink":
		b.WriteString("sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n")
	}
	sl := 0
	for _, s := range socks {
		if s.table != table {
			continue
		}
		ptr := 0xffff888000000000 + s.ino*0x40
		switch table {
		case "tcp":
			line := fmt.Sprintf("%4d: %s %s %02X %08X:%08X %02X:%08X %08X %5d %8d %d %d %016x 100 0 0 10 0",
				sl, addr4(s.local), addr4(s.remote), s.state, 0, 0, 0, 0, 0, s.uid, 0, s.ino, 1, ptr)
			fmt.Fprintf(&b, "%-149s\n", line)
		case "udp":
			line := fmt.Sprintf("%5d: %s %s %02X %08X:%08X %02X:%08X %08X %5d %8d %d %d %016x %d",
				sl, addr4(s.local), addr4(s.remote), s.state, 0, 0, 0, 0, 0, s.uid, 0, s.ino, 2, ptr, 0)
			fmt.Fprintf(&b, "%-127s\n", line)
		case "tcp6":
			fmt.Fprintf(&b, "%4d: %s %s %02X %08X:%08X %02X:%08X %08X %5d %8d %d %d %016x 100 0 0 10 0\n",
				sl, addr6(s.local), addr6(s.remote), s.state, 0, 0, 0, 0, 0, s.uid, 0, s.ino, 1, ptr)
		case "udp6":
			fmt.Fprintf(&b, "%5d: %s %s %02X %08X:%08X %02X:%08X %08X %5d %8d %d %d %016x %d\n",
				sl, addr6(s.local), addr6(s.remote), s.state, 0, 0, 0, 0, 0, s.uid, 0, s.ino, 2, ptr, 0)
		case "unix":
			flags, st := 0, 3 // connected
			if s.listening {
				flags, st = 0x10000, 1 // __SO_ACCEPTCON, unconnected
			}
			line := fmt.Sprintf("%016x: %08X %08X %08X %04X %02X %5d", ptr, 2, 0, flags, 1, st, s.ino)
			if s.path != "" {
				line += " " + s.path
			}
			b.WriteString(line + "\n")
		case "netlink":
			fmt.Fprintf(&b, "%016x %-3d %-10d %08x %-8d %-8d %-5d %-8d %-8d %-8d\n", ptr, s.family, s.portID, s.netlinkGroups, 0, 0, 0, 2, 0, s.ino)
		}
		sl++
	}
	return b.String()
}

// addr4 prints an IPv4 address and port as the kernel does: the address
// as a 32-bit number in the byte order of the host (little endian on amd64
// and arm64), the port in hex.
func addr4(ap netip.AddrPort) string {
	var a [4]byte
	if ap.Addr().Is4() || ap.Addr().Is4In6() {
		a = ap.Addr().Unmap().As4()
	}
	return fmt.Sprintf("%02X%02X%02X%02X:%04X", a[3], a[2], a[1], a[0], ap.Port())
}

// addr6 prints an IPv6 address as four 32-bit words, each in host order.
func addr6(ap netip.AddrPort) string {
	var a [16]byte
	if ap.Addr().IsValid() {
		a = ap.Addr().As16()
	}
	var b strings.Builder
	for w := 0; w < 16; w += 4 {
		fmt.Fprintf(&b, "%02X%02X%02X%02X", a[w+3], a[w+2], a[w+1], a[w])
	}
	return b.String() + ":" + fmt.Sprintf("%04X", ap.Port())
}
