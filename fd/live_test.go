//go:build linux

package fd

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/sys/unix"

	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
)

// The test binary re-executes itself as one of these helper processes (see
// proctest.RegisterHelper); a helper opens fds of known kinds, prints their
// numbers as one JSON line and waits for its stdin to close.
func init() {
	for name, h := range helpers {
		proctest.RegisterHelper(name, func([]string) int {
			if err := h(); err != nil {
				fmt.Fprintln(os.Stderr, "helper:", err)
				return 2
			}
			return 0
		})
	}
}

func TestMain(m *testing.M) { proctest.Main(m) }

var helpers = map[string]func() error{
	"kinds":   helperKinds,
	"netns":   helperNetns,
	"listfd":  helperListFD,
	"many":    helperMany,
	"bind":    helperBind,
	"churn":   helperChurn,
	"netlink": helperNetlink,
	"holders": func() error {
		res, err := Holders(context.Background(), proc.Default(), "/")
		perm := slices.ContainsFunc(res.Failures, func(f proc.Failure) bool { return errors.Is(f, fs.ErrPermission) })
		fmt.Println(len(res.Holders) > 0, perm, err)
		return nil
	},
}

// helperBind runs in a mount namespace of its own (CLONE_NEWNS): it bind
// mounts FD_TEST_DIR/src on FD_TEST_DIR/dst, opens dst/file through the bind
// mount, and renames itself to a comm holding ") (".
func helperBind() error {
	dir := os.Getenv("FD_TEST_DIR")
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return err
	}
	if err := unix.Mount(filepath.Join(dir, "src"), filepath.Join(dir, "dst"), "", unix.MS_BIND, ""); err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(dir, "dst", "file"))
	if err != nil {
		return err
	}
	if err := os.WriteFile("/proc/self/comm", []byte("b) (x"), 0); err != nil {
		return err
	}
	runtime.KeepAlive(f)
	return waitStdin(report{"file": int(f.Fd())})
}

// helperChurn opens and closes files as fast as it can.
func helperChurn() error {
	go func() {
		for {
			var fs []*os.File
			for range 200 {
				f, err := os.Open("/dev/null")
				if err != nil {
					break
				}
				fs = append(fs, f)
			}
			for _, f := range fs {
				f.Close()
			}
		}
	}()
	return waitStdin(report{})
}

// report is what a helper prints: fd numbers by kind plus extra facts.
type report map[string]int

func sysfd(c syscall.Conn) int {
	rc, err := c.SyscallConn()
	if err != nil {
		panic(err)
	}
	var n int
	rc.Control(func(fd uintptr) { n = int(fd) })
	return n
}

func waitStdin(r report) error {
	b, _ := json.Marshal(r)
	fmt.Println(string(b))
	io.Copy(io.Discard, os.Stdin)
	return nil
}

func helperKinds() error {
	dir := os.Getenv("FD_TEST_DIR")
	r := report{}
	must := func(name string, fd int, err error) {
		if err != nil {
			panic(fmt.Sprintf("%s: %v", name, err))
		}
		r[name] = fd
	}
	reg, err := os.OpenFile(filepath.Join(dir, "reg file"), os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	must("regular", int(reg.Fd()), err)
	reg.WriteString("0123456789")
	if _, err := unix.Mmap(int(reg.Fd()), 0, 10, unix.PROT_READ, unix.MAP_SHARED); err != nil {
		return err
	}
	gone, err := os.Create(filepath.Join(dir, "gone"))
	must("deleted", int(gone.Fd()), err)
	gone.WriteString("x")
	if _, err := unix.Mmap(int(gone.Fd()), 0, 1, unix.PROT_READ, unix.MAP_SHARED); err != nil {
		return err
	}
	os.Remove(gone.Name())
	d, err := os.Open(dir)
	must("dir", int(d.Fd()), err)
	pr, pw, err := os.Pipe()
	must("pipe_r", int(pr.Fd()), err)
	must("pipe_w", int(pw.Fd()), err)
	efd, err := unix.Eventfd(3, unix.EFD_CLOEXEC)
	must("eventfd", efd, err)
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	must("epoll", ep, err)
	if err := unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, efd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(efd)}); err != nil {
		return err
	}
	in, err := unix.InotifyInit1(unix.IN_CLOEXEC)
	must("inotify", in, err)
	if _, err := unix.InotifyAddWatch(in, dir, unix.IN_CREATE); err != nil {
		return err
	}
	tfd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_CLOEXEC)
	must("timerfd", tfd, err)
	if err := unix.TimerfdSettime(tfd, 0, &unix.ItimerSpec{Interval: unix.Timespec{Sec: 7}, Value: unix.Timespec{Sec: 1000}}, nil); err != nil {
		return err
	}
	var ss unix.Sigset_t
	ss.Val[0] = 1 << (uint(unix.SIGUSR2) - 1)
	sfd, err := unix.Signalfd(-1, &ss, unix.SFD_CLOEXEC)
	must("signalfd", sfd, err)
	pfd, err := unix.PidfdOpen(os.Getpid(), 0)
	must("pidfd", pfd, err)
	mfd, err := unix.MemfdCreate("test mem", unix.MFD_CLOEXEC)
	must("memfd", mfd, err)
	null, err := os.Open("/dev/null")
	must("devnull", int(null.Fd()), err)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	r["tcp_listen"] = sysfd(ln.(*net.TCPListener))
	r["tcp_port"] = ln.Addr().(*net.TCPAddr).Port
	cli, srv, err := tcpPair(ln)
	if err != nil {
		return err
	}
	r["tcp_client"] = sysfd(cli.(*net.TCPConn))
	r["tcp_server"] = sysfd(srv.(*net.TCPConn))
	r["tcp_client_port"] = cli.LocalAddr().(*net.TCPAddr).Port
	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	r["udp"] = sysfd(udp.(*net.UDPConn))
	r["udp_port"] = udp.LocalAddr().(*net.UDPAddr).Port
	us, err := net.Listen("unix", filepath.Join(dir, "unix sock"))
	if err != nil {
		return err
	}
	r["unix"] = sysfd(us.(*net.UnixListener))
	nl, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	must("netlink", nl, err)
	if err := unix.Bind(nl, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return err
	}
	runtime.KeepAlive([]any{reg, gone, d, pr, pw, null, ln, cli, srv, udp, us})
	return waitStdin(r)
}

// tcpPair connects to ln and accepts: both ends of one loopback connection.
func tcpPair(ln net.Listener) (cli, srv net.Conn, err error) {
	if cli, err = net.Dial("tcp", ln.Addr().String()); err != nil {
		return nil, nil, err
	}
	if srv, err = ln.Accept(); err != nil {
		cli.Close()
		return nil, nil, err
	}
	return cli, srv, nil
}

// helperNetns runs in a new network namespace (started with CLONE_NEWNET).
func helperNetns() error {
	ln, err := net.Listen("tcp4", "0.0.0.0:0")
	if err != nil {
		return err
	}
	r := report{"tcp_listen": sysfd(ln.(*net.TCPListener)), "tcp_port": ln.Addr().(*net.TCPAddr).Port}
	return waitStdin(r)
}

// helperListFD lists the fds of FD_TEST_PID and prints how it failed.
func helperListFD() error {
	pid, _ := strconv.Atoi(os.Getenv("FD_TEST_PID"))
	_, err := List(proc.Default().Process(pid), nil)
	switch {
	case err == nil:
		fmt.Println("ok")
	case errors.Is(err, fs.ErrPermission):
		fmt.Println("permission")
	default:
		fmt.Println("other:", err)
	}
	return nil
}

// helperMany opens FD_TEST_N fds: files, pipes and TCP pairs mixed.
func helperMany() error {
	n, _ := strconv.Atoi(os.Getenv("FD_TEST_N"))
	// Room for n fds plus stdio and the runtime's own; raising the hard
	// limit needs root, otherwise the soft limit Go set must do.
	lim := uint64(n + 64)
	unix.Setrlimit(unix.RLIMIT_NOFILE, &unix.Rlimit{Cur: lim, Max: lim})
	var keep []any
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	for i, k := 0, 0; i < n; k++ {
		switch k % 3 {
		case 0:
			f, err := os.Open("/etc/hostname")
			if err != nil {
				f, err = os.Open("/dev/null")
			}
			if err != nil {
				return err
			}
			keep = append(keep, f)
			i++
		case 1:
			r, w, err := os.Pipe()
			if err != nil {
				return err
			}
			keep = append(keep, r, w)
			i += 2
		case 2:
			c, s, err := tcpPair(ln)
			if err != nil {
				return err
			}
			keep = append(keep, c, s)
			i += 2
		}
	}
	runtime.KeepAlive(keep)
	return waitStdin(report{"n": n})
}

// startHelper starts a helper and returns its pid and report; the helper
// ends when the test does.
func startHelper(t testing.TB, name string, env []string, attr *syscall.SysProcAttr) (int, report) {
	t.Helper()
	cmd := proctest.HelperCommand(t, name)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = attr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start helper %s: %v", name, err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err != nil {
		t.Fatalf("helper %s: %v", name, err)
	}
	var r report
	if err := json.Unmarshal(line, &r); err != nil {
		t.Fatalf("helper %s said %q: %v", name, line, err)
	}
	return cmd.Process.Pid, r
}

func TestListLive(t *testing.T) {
	dir := t.TempDir()
	pid, r := startHelper(t, "kinds", []string{"FD_TEST_DIR=" + dir}, nil)
	p := proc.Default().Process(pid)
	fds, err := List(p, &Options{Info: true, Stat: true})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	for i := 1; i < len(fds); i++ {
		if fds[i-1].FD >= fds[i].FD {
			t.Fatalf("not in numeric order: %d then %d", fds[i-1].FD, fds[i].FD)
		}
	}
	m := byFD(fds)
	get := func(kind string) FD {
		t.Helper()
		f, ok := m[r[kind]]
		if !ok {
			t.Fatalf("%s fd %d not listed", kind, r[kind])
		}
		if f.Info == nil {
			t.Fatalf("%s: no fdinfo", kind)
		}
		if f.Inode == 0 {
			t.Errorf("%s: inode 0", kind)
		}
		return f
	}
	check := func(kind string, f FD, ty Type, sub string, mode AccessMode) {
		t.Helper()
		if f.Type != ty || f.Subtype != sub || f.Mode != mode {
			t.Errorf("%s: type %v subtype %q mode %v, want %v %q %v (target %q)", kind, f.Type, f.Subtype, f.Mode, ty, sub, mode, f.Target)
		}
		if f.Info.Flags.AccessMode() != mode {
			t.Errorf("%s: fdinfo flags %v disagree with link mode %v", kind, f.Info.Flags, mode)
		}
	}

	reg := get("regular")
	check("regular", reg, File, SubRegular, ReadWrite)
	if reg.Path != filepath.Join(dir, "reg file") || reg.Deleted {
		t.Errorf("regular: path %q deleted %v", reg.Path, reg.Deleted)
	}
	if !reg.Info.Flags.Has(O_APPEND|O_CLOEXEC) || reg.Info.Pos != 10 {
		t.Errorf("regular: flags %v pos %d, want O_APPEND|O_CLOEXEC and 10", reg.Info.Flags, reg.Info.Pos)
	}
	if fi, err := os.Stat(reg.Path); err != nil || fi.Sys().(*syscall.Stat_t).Ino != reg.Inode {
		t.Errorf("regular: inode %d differs from stat: %v", reg.Inode, err)
	}
	del := get("deleted")
	check("deleted", del, File, SubRegular, ReadWrite)
	if del.Path != filepath.Join(dir, "gone") || !del.Deleted || del.File.Nlink != 0 {
		t.Errorf("deleted: %+v", del)
	}
	check("dir", get("dir"), File, SubDirectory, ReadOnly)
	pr, pw := get("pipe_r"), get("pipe_w")
	check("pipe_r", pr, Pipe, "", ReadOnly)
	check("pipe_w", pw, Pipe, "", WriteOnly)
	if pr.Inode != pw.Inode || pr.Inode != pr.Info.Ino {
		t.Errorf("pipe ends: inodes %d %d fdinfo %d", pr.Inode, pw.Inode, pr.Info.Ino)
	}
	ev := get("eventfd")
	check("eventfd", ev, AnonInode, SubEventfd, ReadWrite)
	if ev.Info.Eventfd == nil || ev.Info.Eventfd.Count != 3 {
		t.Errorf("eventfd: %+v", ev.Info.Eventfd)
	}
	ep := get("epoll")
	check("epoll", ep, AnonInode, SubEventpoll, ReadWrite)
	if len(ep.Info.Epoll) != 1 || ep.Info.Epoll[0].FD != r["eventfd"] || ep.Info.Epoll[0].Events&unix.EPOLLIN == 0 {
		t.Errorf("epoll targets: %+v, want eventfd %d", ep.Info.Epoll, r["eventfd"])
	}
	ino := get("inotify")
	check("inotify", ino, AnonInode, SubInotify, ReadOnly)
	if len(ino.Info.Inotify) != 1 || ino.Info.Inotify[0].Mask&unix.IN_CREATE == 0 {
		t.Errorf("inotify watches: %+v", ino.Info.Inotify)
	}
	tm := get("timerfd")
	check("timerfd", tm, AnonInode, SubTimerfd, ReadWrite)
	if tm.Info.Timerfd == nil || tm.Info.Timerfd.IntervalSec != 7 || tm.Info.Timerfd.ClockID != unix.CLOCK_MONOTONIC {
		t.Errorf("timerfd: %+v", tm.Info.Timerfd)
	}
	sg := get("signalfd")
	check("signalfd", sg, AnonInode, SubSignalfd, ReadWrite)
	if sg.Info.Signalfd == nil || sg.Info.Signalfd.Sigmask != 1<<(uint(unix.SIGUSR2)-1) {
		t.Errorf("signalfd: %+v", sg.Info.Signalfd)
	}
	pf := get("pidfd")
	check("pidfd", pf, AnonInode, SubPidfd, ReadWrite)
	if pf.Info.Pidfd == nil || pf.Info.Pidfd.Pid != pid {
		t.Errorf("pidfd: %+v, want pid %d", pf.Info.Pidfd, pid)
	}
	mf := get("memfd")
	check("memfd", mf, File, SubMemfd, ReadWrite)
	if mf.Path != "/memfd:test mem" || !mf.Deleted {
		t.Errorf("memfd: path %q deleted %v", mf.Path, mf.Deleted)
	}
	check("devnull", get("devnull"), File, SubCharDev, ReadOnly)

	sock := func(kind, proto, local, remote, state string) *SocketInfo {
		t.Helper()
		f := get(kind)
		check(kind, f, Socket, "", ReadWrite)
		s := f.Socket
		if s == nil {
			t.Errorf("%s: socket %s not resolved", kind, f.Target)
			return nil
		}
		if s.Proto != proto || s.LocalAddr() != local || (remote != "" && s.RemoteAddr() != remote) || s.StateName() != state || s.Inode != f.Inode {
			t.Errorf("%s: %s %s %s %s inode %d, want %s %s %s %s inode %d", kind, s.Proto, s.LocalAddr(), s.RemoteAddr(), s.StateName(), s.Inode,
				proto, local, remote, state, f.Inode)
		}
		return s
	}
	port, cport := strconv.Itoa(r["tcp_port"]), strconv.Itoa(r["tcp_client_port"])
	sock("tcp_listen", "tcp", "127.0.0.1:"+port, "0.0.0.0:0", "LISTEN")
	sock("tcp_client", "tcp", "127.0.0.1:"+cport, "127.0.0.1:"+port, "ESTABLISHED")
	sock("tcp_server", "tcp", "127.0.0.1:"+port, "127.0.0.1:"+cport, "ESTABLISHED")
	sock("udp", "udp", "127.0.0.1:"+strconv.Itoa(r["udp_port"]), "0.0.0.0:0", "UNCONN")
	sock("unix", "unix", filepath.Join(dir, "unix sock"), "", "LISTEN")
	if s := sock("netlink", "netlink", strconv.Itoa(pid), "", ""); s != nil && s.Protocol != unix.NETLINK_ROUTE {
		t.Errorf("netlink protocol %d", s.Protocol)
	}

	// The fs.FS path (any tree) must agree with the raw /proc path.
	slow, err := List(proc.New(os.DirFS("/proc")).Process(pid), &Options{Info: true, Stat: true})
	if err != nil {
		t.Fatal(err)
	}
	// The timer's remaining time moves between the two reads.
	ignoreTimer := cmpopts.IgnoreFields(TimerfdInfo{}, "ValueSec", "ValueNsec")
	if diff := cmp.Diff(fds, slow, cmpAddr, ignoreTimer); diff != "" {
		t.Errorf("raw and fs.FS listings differ (-raw +fs):\n%s", diff)
	}
	n, err := Count(p)
	if err != nil || n != len(fds) {
		t.Errorf("Count = %d, %v; want %d", n, err, len(fds))
	}
	if n, err := Count(proc.New(os.DirFS("/proc")).Process(pid)); err != nil || n != len(fds) {
		t.Errorf("Count(fs.FS) = %d, %v; want %d", n, err, len(fds))
	}

	// The default listing reads no fdinfo and stats nothing.
	plain, err := List(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range plain {
		if f.Info != nil || f.File != nil {
			t.Fatalf("default listing read fdinfo or stat for fd %d", f.FD)
		}
		if want := m[f.FD]; f.Mode != want.Mode || f.Target != want.Target || (f.Socket == nil) != (want.Socket == nil) {
			t.Errorf("fd %d: default listing %+v differs from full %+v", f.FD, f, want)
		}
	}

	t.Run("ss", func(t *testing.T) { compareSS(t, pid, fds) })
	t.Run("lsof", func(t *testing.T) { compareLsof(t, pid, fds) })
	t.Run("holders", func(t *testing.T) { testHoldersLive(t, pid, dir, r) })
}

// ssLine matches ss -H output: state, queues, local, peer, then users:(...).
var ssLine = regexp.MustCompile(`^(\S+)\s+\d+\s+\d+\s+(\S+)\s+(\S+)\s+users:\(.*pid=(\d+),fd=(\d+)\)`)

func compareSS(t *testing.T, pid int, fds []FD) {
	if _, err := exec.LookPath("ss"); err != nil {
		t.Skip("ss not installed")
	}
	m := byFD(fds)
	seen := 0
	for _, args := range [][]string{{"-tanpH"}, {"-uanpH"}} {
		out, err := exec.Command("ss", args...).Output()
		if err != nil {
			t.Fatalf("ss %v: %v", args, err)
		}
		for line := range strings.Lines(string(out)) {
			// One line per socket; a socket shared by several processes
			// lists them all, so search this pid's entry.
			i := strings.Index(line, "pid="+strconv.Itoa(pid)+",")
			if i < 0 {
				continue
			}
			mm := ssLine.FindStringSubmatch(line)
			if mm == nil {
				t.Errorf("cannot read ss line %q", line)
				continue
			}
			fdn, _ := strconv.Atoi(regexp.MustCompile(`^pid=\d+,fd=(\d+)`).FindStringSubmatch(line[i:])[1])
			f, ok := m[fdn]
			if !ok || f.Socket == nil {
				t.Errorf("ss shows fd %d (%q), lsfd does not resolve it", fdn, line)
				continue
			}
			state := map[string]string{"ESTAB": "ESTABLISHED", "UNCONN": "UNCONN", "LISTEN": "LISTEN"}[mm[1]]
			remote := strings.Replace(mm[3], ":*", ":0", 1)
			if f.Socket.StateName() != state || f.Socket.LocalAddr() != mm[2] || f.Socket.RemoteAddr() != remote {
				t.Errorf("fd %d: lsfd %s %s %s; ss %s %s %s", fdn, f.Socket.StateName(), f.Socket.LocalAddr(), f.Socket.RemoteAddr(), mm[1], mm[2], mm[3])
			}
			seen++
		}
	}
	if seen != 4 {
		t.Errorf("ss showed %d inet sockets of the helper, want 4", seen)
	}
	out, err := exec.Command("ss", "-xapH").Output()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for line := range strings.Lines(string(out)) {
		if strings.Contains(line, "pid="+strconv.Itoa(pid)+",") {
			for _, f := range fds {
				if f.Socket != nil && f.Socket.Proto == "unix" {
					found = true
					if !strings.Contains(line, f.Socket.Path+" "+strconv.FormatUint(f.Inode, 10)+" ") || !strings.HasPrefix(line, "u_str LISTEN") {
						t.Errorf("ss -x line %q does not show %q inode %d", line, f.Socket.Path, f.Inode)
					}
				}
			}
		}
	}
	if !found {
		t.Error("ss -x did not show the helper's unix socket")
	}
}

// compareLsof checks modes, file names and TCP/UDP addresses against
// lsof -F (one field per line: f fd, a access, t type, n name).
func compareLsof(t *testing.T, pid int, fds []FD) {
	if _, err := exec.LookPath("lsof"); err != nil {
		t.Skip("lsof not installed")
	}
	out, err := exec.Command("lsof", "-n", "-P", "-p", strconv.Itoa(pid), "-F", "fatn").Output()
	if err != nil && len(out) == 0 {
		t.Fatalf("lsof: %v", err)
	}
	m := byFD(fds)
	type entry struct{ access, typ, name string }
	got := map[int]*entry{}
	var cur *entry
	for line := range strings.Lines(string(out)) {
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			continue
		}
		switch line[0] {
		case 'f':
			cur = nil
			if n, err := strconv.Atoi(line[1:]); err == nil {
				cur = &entry{}
				got[n] = cur
			}
		case 'a':
			if cur != nil {
				cur.access = line[1:]
			}
		case 't':
			if cur != nil {
				cur.typ = line[1:]
			}
		case 'n':
			if cur != nil {
				cur.name = line[1:]
			}
		}
	}
	if len(got) != len(fds) {
		t.Errorf("lsof shows %d fds, List %d", len(got), len(fds))
	}
	files, inet := 0, 0
	defer func() {
		if files < 5 || inet < 4 {
			t.Errorf("compared %d file names and %d inet addresses, want at least 5 and 4", files, inet)
		}
	}()
	for n, e := range got {
		f, ok := m[n]
		if !ok {
			t.Errorf("lsof shows fd %d, List does not", n)
			continue
		}
		if e.access != f.Mode.String() {
			t.Errorf("fd %d: lsof access %q, List mode %q", n, e.access, f.Mode)
		}
		switch {
		case e.typ == "REG" || e.typ == "DIR" || e.typ == "CHR":
			files++
			if e.name != f.Target {
				t.Errorf("fd %d: lsof name %q, List target %q", n, e.name, f.Target)
			}
		case (e.typ == "IPv4" || e.typ == "IPv6") && f.Socket != nil:
			inet++
			want := f.Socket.LocalAddr()
			if r := f.Socket.Remote; r.Port() != 0 {
				want += "->" + f.Socket.RemoteAddr()
			}
			if e.name != want {
				t.Errorf("fd %d: lsof name %q, List %q", n, e.name, want)
			}
		case e.typ == "unix" && f.Socket != nil:
			// lsof cuts a unix path at its first blank ("unix sock");
			// List keeps it whole.
			if !strings.HasPrefix(f.Socket.Path, strings.TrimSuffix(e.name, " type=STREAM")) {
				t.Errorf("fd %d: lsof name %q, List path %q", n, e.name, f.Socket.Path)
			}
		}
	}
}

func testHoldersLive(t *testing.T, pid int, dir string, r report) {
	find := func(res HolderScan) *Holder {
		for i := range res.Holders {
			if res.Holders[i].PID == pid {
				return &res.Holders[i]
			}
		}
		return nil
	}
	reg := filepath.Join(dir, "reg file")
	link := filepath.Join(dir, "hard link")
	sym := filepath.Join(dir, "sym link")
	if err := os.Link(reg, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("reg file", sym); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{reg, link, sym} {
		res, err := Holders(context.Background(), proc.Default(), path)
		if err != nil {
			t.Fatalf("Holders(%q): %v", path, err)
		}
		h := find(res)
		if h == nil {
			t.Errorf("Holders(%q): helper %d not found in %+v", path, pid, res.Holders)
			continue
		}
		want := Holder{PID: pid, Comm: h.Comm, FDs: []HeldFD{{r["regular"], ReadWrite}}, Access: "Fm"}
		if diff := cmp.Diff(want, *h); diff != "" {
			t.Errorf("Holders(%q) (-want +got):\n%s", path, diff)
		}
	}
	res, err := Holders(context.Background(), proc.Default(), filepath.Join(dir, "gone"))
	if err != nil {
		t.Fatal(err)
	}
	if h := find(res); h == nil || len(h.FDs) != 1 || h.FDs[0].FD != r["deleted"] || h.Access != "Fm" {
		t.Errorf("deleted file: holder %+v, want fd %d, access Fm (open and mapped)", h, r["deleted"])
	}
	res, err = Holders(context.Background(), proc.Default(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if h := find(res); h == nil || h.Access != "f" || len(h.FDs) != 1 || h.FDs[0].FD != r["dir"] {
		t.Errorf("directory: holder %+v", h)
	}
	exe, _ := os.Executable()
	res, err = Holders(context.Background(), proc.Default(), exe)
	if err != nil {
		t.Fatal(err)
	}
	if h := find(res); h == nil || !strings.Contains(h.Access, "e") {
		t.Errorf("executable: holder %+v, want access e", h)
	}
	self := false
	for _, h := range res.Holders {
		self = self || h.PID == os.Getpid()
	}
	if !self {
		t.Error("executable: the test process itself is not a holder")
	}
	for _, path := range []string{reg, exe, dir} {
		compareFuser(t, path)
	}
	cwd, _ := os.Getwd()
	res, err = Holders(context.Background(), proc.Default(), cwd)
	if err != nil {
		t.Fatal(err)
	}
	if h := find(res); h == nil || !strings.Contains(h.Access, "c") {
		t.Errorf("cwd: holder %+v, want access c", h)
	}
	for _, f := range res.Failures {
		if f.PID == pid {
			t.Errorf("helper reported as failed: %v", f)
		}
	}
}

// compareFuser checks that Holders finds the same processes as fuser, the
// reference tool (it prints the pids on stdout, letters and messages on
// stderr).
func compareFuser(t *testing.T, path string) {
	t.Helper()
	if _, err := exec.LookPath("fuser"); err != nil {
		t.Skip("fuser not installed")
	}
	res, err := Holders(context.Background(), proc.Default(), path)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("fuser", path).Output()
	if err != nil && len(out) > 0 {
		t.Fatalf("fuser %s: %v", path, err)
	}
	want := map[int]bool{}
	for _, f := range strings.Fields(string(out)) {
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("fuser printed %q", out)
		}
		want[n] = true
	}
	got := map[int]bool{}
	for _, h := range res.Holders {
		got[h.PID] = true
	}
	// Processes may come and go between the two scans; only a process
	// that is alive now and in one list but not the other is a mismatch.
	for pid := range want {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err == nil && !got[pid] {
			t.Errorf("%s: fuser lists pid %d, Holders does not (%+v)", path, pid, res.Holders)
		}
	}
	for pid := range got {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err == nil && !want[pid] {
			t.Errorf("%s: Holders lists pid %d, fuser does not", path, pid)
		}
	}
}

// TestListNetns: a socket in a network namespace of its own, invisible to
// ss in ours, is resolved from the process's own tables.
func TestListNetns(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root for CLONE_NEWNET")
	}
	pid, r := startHelper(t, "netns", nil, &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET})
	mine, _ := os.Readlink("/proc/self/ns/net")
	theirs, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", pid))
	if mine == theirs {
		t.Fatalf("helper is in our namespace %s", mine)
	}
	cache := NewSocketCache()
	fds, err := List(proc.Default().Process(pid), &Options{Sockets: cache})
	if err != nil {
		t.Fatal(err)
	}
	f := byFD(fds)[r["tcp_listen"]]
	want := "0.0.0.0:" + strconv.Itoa(r["tcp_port"])
	if f.Socket == nil || f.Socket.LocalAddr() != want || f.Socket.StateName() != "LISTEN" {
		t.Fatalf("netns socket %+v, want LISTEN on %s", f.Socket, want)
	}
	if _, err := exec.LookPath("ss"); err == nil {
		out, err := exec.Command("ss", "-tlnpH").Output()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), "pid="+strconv.Itoa(pid)+",") {
			t.Errorf("ss in our namespace sees the helper's socket:\n%s", out)
		}
	}
	// A second listing in the same namespace reuses the cached tables;
	// our own namespace gets its own entry.
	own, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	if _, err := List(proc.Default().Process(os.Getpid()), &Options{Sockets: cache}); err != nil {
		t.Fatal(err)
	}
	if len(cache.tabs) != 2 {
		t.Errorf("cache holds %d namespaces, want 2", len(cache.tabs))
	}
}

// TestHoldersBindMount finds a file opened through a bind mount in another
// mount namespace by device and inode, though its link text differs.
func TestHoldersBindMount(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root for CLONE_NEWNS and mount")
	}
	dir := t.TempDir()
	for _, d := range []string{"src", "dst"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "src", "file")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	pid, r := startHelper(t, "bind", []string{"FD_TEST_DIR=" + dir}, &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS})
	link, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%d", pid, r["file"]))
	if err != nil {
		t.Fatal(err)
	}
	if link == path {
		t.Fatalf("link %q is the plain path; the bind mount did not take", link)
	}
	res, err := Holders(context.Background(), proc.Default(), path)
	if err != nil {
		t.Fatal(err)
	}
	var got *Holder
	for i := range res.Holders {
		if res.Holders[i].PID == pid {
			got = &res.Holders[i]
		}
	}
	want := &Holder{PID: pid, Comm: "b) (x", FDs: []HeldFD{{r["file"], ReadOnly}}, Access: "f"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("holder through bind mount %q (-want +got):\n%s", link, diff)
	}
}

// TestListChurn lists a process that opens and closes fds all the time:
// closed fds drop out, no error.
func TestListChurn(t *testing.T) {
	pid, _ := startHelper(t, "churn", nil, nil)
	p := proc.Default().Process(pid)
	for range 50 {
		fds, err := List(p, &Options{Info: true, Stat: true})
		if err != nil {
			t.Fatalf("List during churn: %v", err)
		}
		for _, f := range fds {
			if f.Target == "" {
				t.Fatalf("fd %d with empty target", f.FD)
			}
		}
		if _, err := List(proc.New(os.DirFS("/proc")).Process(pid), nil); err != nil {
			t.Fatalf("List(fs.FS) during churn: %v", err)
		}
	}
}

func TestListGone(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("cannot run true:", err)
	}
	p := proc.Default().Process(cmd.Process.Pid)
	if _, err := List(p, nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("List(gone) error %v, want fs.ErrNotExist", err)
	}
	if _, err := Count(p); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Count(gone) error %v, want fs.ErrNotExist", err)
	}
}

// TestListPermission lists a root process's fds as uid 65534.
func TestListPermission(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to drop to another user")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("setpriv not installed")
	}
	exe, _ := os.Executable()
	cmd := exec.Command(setpriv, append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", exe}, proctest.HelperArgs("listfd")...)...)
	cmd.Env = append(os.Environ(), "FD_TEST_PID="+strconv.Itoa(os.Getpid()))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Skipf("cannot run the test binary as uid 65534 (%v): %s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "permission" {
		t.Errorf("List as uid 65534 of a root process: %q, want permission", got)
	}

	// A holders scan as uid 65534 counts root's processes as unreadable
	// and still finds holders of / (every process's root directory).
	cmd = exec.Command(setpriv, append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", exe}, proctest.HelperArgs("holders")...)...)
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("holders as uid 65534: %v: %s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "true true <nil>" {
		t.Errorf("Holders as uid 65534: %q, want holders found, unreadable counted, no error", got)
	}
}

// TestListNonUTF8 lists a file whose name is not UTF-8: the target keeps
// its bytes and the JSON entry carries them in target_bytes.
func TestListNonUTF8(t *testing.T) {
	name := filepath.Join(t.TempDir(), "bad\xff\xfename")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fds, err := List(proc.Default().Process(os.Getpid()), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range fds {
		if x.FD == int(f.Fd()) {
			if x.Target != name || x.Path != name {
				t.Errorf("target %q path %q, want %q", x.Target, x.Path, name)
			}
			e := jsonOf(t, x)
			if string(e.TargetBytes) != name {
				t.Errorf("TargetBytes %q, want %q", e.TargetBytes, name)
			}
			return
		}
	}
	t.Errorf("fd %d not listed", f.Fd())
}

// TestListLarge lists a process with more fds than parallelMin, so the
// links are read by several workers while the socket tables are
// prefetched, and compares with the sequential fs.FS path.
func TestListLarge(t *testing.T) {
	n := parallelMin + 1000
	pid, _ := startHelper(t, "many", []string{"FD_TEST_N=" + strconv.Itoa(n)}, nil)
	p := proc.Default().Process(pid)
	for _, opts := range []*Options{nil, &Options{Info: true, Stat: true}} {
		fds, err := List(p, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(fds) < n {
			t.Fatalf("%d fds, want at least %d", len(fds), n)
		}
		slow, err := List(proc.New(os.DirFS("/proc")).Process(pid), opts)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(fds, slow, cmpAddr); diff != "" {
			t.Errorf("parallel raw and fs.FS listings differ (-raw +fs):\n%s", diff)
		}
		resolved := 0
		for _, f := range fds {
			if f.Socket != nil {
				resolved++
			}
		}
		if resolved < n/3-10 {
			t.Errorf("%d sockets resolved, want about %d", resolved, n/3)
		}
	}
}

// TestListOPath: an O_PATH fd is open for neither reading nor writing, by
// the link's mode and by fdinfo's flags alike.
func TestListOPath(t *testing.T) {
	n, err := unix.Open(t.TempDir(), unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(n)
	for _, opts := range []*Options{nil, {Info: true}} {
		fds, err := List(proc.Default().Process(os.Getpid()), opts)
		if err != nil {
			t.Fatal(err)
		}
		f := byFD(fds)[n]
		if f.Mode != NoAccess || f.Mode.String() != "?" {
			t.Errorf("O_PATH fd with %+v: mode %v", opts, f.Mode)
		}
		if opts != nil && !f.Info.Flags.Has(O_PATH) {
			t.Errorf("flags %v lack O_PATH", f.Info.Flags)
		}
	}
}

// helperNetlink holds a netlink socket that is not bound, which the kernel
// does not list in /proc/net/netlink, and one that is, which it lists.
func helperNetlink() error {
	unbound, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW, unix.NETLINK_ROUTE)
	if err != nil {
		return err
	}
	bound, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW, unix.NETLINK_ROUTE)
	if err != nil {
		return err
	}
	if err := unix.Bind(bound, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return err
	}
	return waitStdin(report{"unbound": unbound, "bound": bound})
}

// TestUnboundNetlinkLive: an unbound netlink socket, in no net table, is
// named by its protocol as lsof names it ("protocol: NETLINK"), not
// socket:[N]; a bound one still resolves through /proc/net/netlink.
func TestUnboundNetlinkLive(t *testing.T) {
	pid, r := startHelper(t, "netlink", nil, nil)
	fds, err := List(proc.Default().Process(pid), nil)
	if err != nil {
		t.Fatal(err)
	}
	m := byFD(fds)
	u, b := m[r["unbound"]], m[r["bound"]]
	if u.Socket != nil || u.Protocol != "NETLINK" || u.Name() != "protocol: NETLINK" {
		t.Errorf("unbound netlink fd %d: Socket %v, Protocol %q, Name %q; want no table entry, NETLINK, \"protocol: NETLINK\"", u.FD, u.Socket, u.Protocol, u.Name())
	}
	if e := jsonOf(t, u); e.Socket == nil || e.Socket.Proto != "netlink" {
		t.Errorf("unbound netlink fd %d: JSON socket %+v; want proto netlink", u.FD, e.Socket)
	}
	if b.Socket == nil || b.Socket.Proto != "netlink" || b.Protocol != "" {
		t.Errorf("bound netlink fd %d: Socket %+v, Protocol %q; want the netlink table's entry", b.FD, b.Socket, b.Protocol)
	}
	if _, err := exec.LookPath("lsof"); err != nil {
		t.Skip("lsof not installed; it is the reference for the name")
	}
	out, err := exec.Command("lsof", "-n", "-P", "-p", strconv.Itoa(pid), "-a", "-d", strconv.Itoa(u.FD), "-F", "tn").Output()
	if err != nil {
		t.Fatalf("lsof: %v\n%s", err, out)
	}
	var name string
	for line := range strings.Lines(string(out)) {
		if strings.HasPrefix(line, "n") {
			name = strings.TrimSpace(line[1:])
		}
	}
	if name != u.Name() {
		t.Errorf("fd %d: lsof name %q, Name %q", u.FD, name, u.Name())
	}
}
