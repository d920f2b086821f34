//go:build linux

package proctest_test

import (
	"bytes"
	"net"
	"net/netip"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procscope/procscope/proctest"
)

// The tests in this file compare what the kit writes with what this
// machine's kernel writes for the same kind of file, so that the kit's
// formats follow the kernel's and not only procscope's parsers.

// shape reduces a file to its structure: every number (decimal or hex)
// becomes N and runs of blanks one blank, so that two files of the same
// format and different values compare equal.
func shape(b []byte) string {
	b = regexp.MustCompile(`\b(0x)?[0-9a-fA-F]+\b`).ReplaceAll(b, []byte("N"))
	b = regexp.MustCompile(`[ \t]+`).ReplaceAll(b, []byte(" "))
	return string(b)
}

// keys returns the names before the first ':' of each line.
func keys(b []byte) []string {
	var ks []string
	for line := range strings.Lines(string(b)) {
		k, _, _ := strings.Cut(line, ":")
		ks = append(ks, k)
	}
	return ks
}

// built returns the kit's file pid/name of a one-process tree.
func built(t *testing.T, p proctest.Process, name string) []byte {
	t.Helper()
	m, err := (&proctest.Tree{Processes: []proctest.Process{p}}).MapFS()
	if err != nil {
		t.Fatal(err)
	}
	f, ok := m[strconv.Itoa(p.PID)+"/"+name]
	if !ok {
		t.Fatalf("the kit wrote no %s", name)
	}
	return f.Data
}

func live(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("/proc/self/" + name)
	if err != nil {
		t.Skipf("cannot read /proc/self/%s: %v", name, err)
	}
	return b
}

// TestKernelKeys: status and smaps_rollup carry the keys the running
// kernel prints, in its order (status's untag_mask only on x86-64).
func TestKernelKeys(t *testing.T) {
	for _, name := range []string{"status", "smaps_rollup", "io"} {
		want := keys(live(t, name))
		got := keys(built(t, proctest.Process{PID: 9}, name))
		if name == "smaps_rollup" { // the first line is the address range
			want, got = want[1:], got[1:]
		}
		if name == "status" {
			want = removeArch(want)
			got = removeArch(got)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s keys:\nkit    %q\nkernel %q", name, got, want)
		}
	}
}

// removeArch drops the keys only some architectures or kernel versions
// print.
func removeArch(ks []string) []string {
	var out []string
	for _, k := range ks {
		if k != "untag_mask" && !strings.HasPrefix(k, "x86_") {
			out = append(out, k)
		}
	}
	return out
}

// TestKernelShapes: stat, statm, limits, maps lines and the network
// tables' headers have the kernel's layout.
func TestKernelShapes(t *testing.T) {
	p := proctest.Process{PID: 9, Comm: "x"}
	st := built(t, p, "stat")
	liveStat := live(t, "stat")
	i, j := bytes.LastIndexByte(st, ')'), bytes.LastIndexByte(liveStat, ')')
	if got, want := len(strings.Fields(string(st[i+1:]))), len(strings.Fields(string(liveStat[j+1:]))); got != want {
		t.Errorf("stat has %d fields after the comm, the kernel %d", got, want)
	}
	if got, want := shape(built(t, p, "statm")), shape(live(t, "statm")); got != want {
		t.Errorf("statm shape %q, kernel %q", got, want)
	}
	// limits: the same table, every column where the kernel has it.
	gotLim, wantLim := strings.Split(string(built(t, p, "limits")), "\n"), strings.Split(string(live(t, "limits")), "\n")
	if len(gotLim) != len(wantLim) {
		t.Fatalf("limits has %d lines, the kernel %d", len(gotLim), len(wantLim))
	}
	for k := range gotLim {
		if len(gotLim[k]) != len(wantLim[k]) || (len(gotLim[k]) >= 25 && gotLim[k][:25] != wantLim[k][:25]) {
			t.Errorf("limits line %d:\nkit    %q\nkernel %q", k, gotLim[k], wantLim[k])
		}
	}
	// maps: a file mapping's path starts where the kernel's does.
	for line := range strings.Lines(string(live(t, "maps"))) {
		if strings.Contains(line, "/") {
			first := strings.Split(string(built(t, p, "maps")), "\n")[0]
			if strings.Index(first, "/") != strings.Index(line, "/") {
				t.Errorf("maps path column:\nkit    %q\nkernel %q", first, line)
			}
			break
		}
	}
	if got, want := built(t, p, "uid_map"), live(t, "uid_map"); shape(got) != shape(want) || len(got) != len(want) {
		t.Errorf("uid_map %q, kernel %q", got, want)
	}
	for _, table := range []string{"tcp", "tcp6", "udp", "udp6", "unix", "netlink", "packet", "raw", "raw6", "udplite", "udplite6"} {
		want, err := os.ReadFile("/proc/self/net/" + table)
		if err != nil {
			continue // not built into this kernel
		}
		got := built(t, p, "net/"+table)
		gh, _, _ := bytes.Cut(got, []byte("\n"))
		wh, _, _ := bytes.Cut(want, []byte("\n"))
		if !bytes.Equal(gh, wh) {
			t.Errorf("net/%s header:\nkit    %q\nkernel %q", table, gh, wh)
		}
	}
}

// TestKernelSockets: a listening TCP socket and a bound unix socket made
// here have the same line shape in the live tables as the kit's.
func TestKernelSockets(t *testing.T) {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	sock := t.TempDir() + "/s"
	ul, err := net.Listen("unix", sock)
	if err != nil {
		t.Skip(err)
	}
	defer ul.Close()
	p := proctest.Process{PID: 9, FDs: []proctest.FD{
		proctest.TCP(3, netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(port)), netip.AddrPort{}, proctest.TCPListen),
		proctest.UnixListener(4, sock),
	}}
	// The socket's line is found by a field, never by a substring: the
	// needle's hex digits can stand inside another line's hashed pointer.
	for _, tt := range []struct {
		table, needle string
		field         int // of the line's blank-separated fields
	}{
		{"tcp", "0100007F:" + strings.ToUpper(strconv.FormatInt(int64(port)|1<<16, 16)[1:]), 1}, // local address
		{"unix", sock, 7}, // path
	} {
		find := func(table []byte) string {
			for line := range strings.Lines(string(table)) {
				if f := strings.Fields(line); len(f) > tt.field && f[tt.field] == tt.needle {
					return line
				}
			}
			return ""
		}
		liveLine := find(live(t, "net/"+tt.table))
		kitLine := find(built(t, p, "net/"+tt.table))
		// The pointer field is hashed by the kernel: compare shapes.
		if liveLine == "" || shape([]byte(kitLine)) != shape([]byte(liveLine)) || len(kitLine) != len(liveLine) && tt.table == "tcp" {
			t.Errorf("net/%s line:\nkit    %q\nkernel %q", tt.table, kitLine, liveLine)
		}
	}
}

// TestKernelFDInfo: the fdinfo of each anonymous-inode kind the kit writes
// has the shape of the fdinfo the kernel writes for one made here.
func TestKernelFDInfo(t *testing.T) {
	efd, err := unix.Eventfd(5, unix.EFD_CLOEXEC)
	if err != nil {
		t.Skip(err)
	}
	defer unix.Close(efd)
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(epfd)
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, efd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(efd)}); err != nil {
		t.Fatal(err)
	}
	tfd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(tfd)
	if err := unix.TimerfdSettime(tfd, 0, &unix.ItimerSpec{Interval: unix.NsecToTimespec(int64(time.Hour)), Value: unix.NsecToTimespec(int64(time.Hour))}, nil); err != nil {
		t.Fatal(err)
	}
	var mask unix.Sigset_t
	mask.Val[0] = 1<<(syscall.SIGUSR1-1) | 1<<(syscall.SIGUSR2-1)
	sfd, err := unix.Signalfd(-1, &mask, unix.SFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(sfd)
	ifd, err := unix.InotifyInit1(unix.IN_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(ifd)
	if _, err := unix.InotifyAddWatch(ifd, t.TempDir(), unix.IN_ALL_EVENTS); err != nil {
		t.Fatal(err)
	}
	pfd, err := unix.PidfdOpen(os.Getpid(), 0)
	if err != nil {
		t.Skip(err)
	}
	defer unix.Close(pfd)

	p := proctest.Process{PID: 9, FDs: []proctest.FD{
		proctest.Eventfd(3, 5), proctest.Epoll(4, 3), proctest.Timerfd(5, time.Hour),
		proctest.Signalfd(6, syscall.SIGUSR1, syscall.SIGUSR2), proctest.Inotify(7, "/tmp"), proctest.Pidfd(8, 1),
	}}
	for i, fd := range []int{efd, epfd, tfd, sfd, ifd, pfd} {
		want := live(t, "fdinfo/"+strconv.Itoa(fd))
		got := built(t, p, "fdinfo/"+strconv.Itoa(3+i))
		// A kernel may print more than the kit (scm_fds, lock lines...):
		// compare the kit's lines, in order, with the kernel's.
		if !linesIn(shape(got), shape(want)) {
			t.Errorf("fdinfo of kind %d:\nkit    %q\nkernel %q", i, got, want)
		}
	}
}

// linesIn reports whether every line of sub is a line of s.
func linesIn(sub, s string) bool {
	have := map[string]bool{}
	for line := range strings.Lines(s) {
		have[line] = true
	}
	for line := range strings.Lines(sub) {
		if !have[line] {
			return false
		}
	}
	return true
}
