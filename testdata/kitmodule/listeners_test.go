package kitmodule

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/container"
	"github.com/procscope/procscope/environ"
	"github.com/procscope/procscope/fd"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
	"github.com/procscope/procscope/tree"
)

func TestMain(m *testing.M) { proctest.Main(m) }

func init() {
	proctest.RegisterHelper("listen", func(args []string) int {
		fmt.Println(proctest.Ready)
		proctest.WaitStdin()
		return 0
	})
}

// machine is the tree every test reads: a web server with awkward names,
// its worker, a kernel thread, a zombie, a process that exits while it is
// listed and one whose files are another user's.
func machine() *proctest.Tree {
	ap := netip.MustParseAddrPort
	return &proctest.Tree{Processes: []proctest.Process{
		{PID: 1, Comm: "systemd", Cmdline: []string{"/sbin/init"}, Exe: "/usr/lib/systemd/systemd"},
		{PID: 2, Comm: "kthreadd", Kernel: true},
		{PID: 9, PPID: 2, Comm: "ksoftirqd/0", Kernel: true},
		{PID: 500, PPID: 1, Comm: "web (\n\xff)", Cmdline: []string{"/opt/web", "--port=8080", "a b"},
			Environ: []string{"USER=www", "API_TOKEN=s3cr3t-v4lue", "RAW\xfe=\xfex", "NOEQUALS"},
			Exe:     "/opt/web", ExeDeleted: true, UID: 33, GID: 33,
			Threads: []proctest.Thread{{TID: 501, Comm: "gc"}, {TID: 502, Comm: "net"}},
			FDs: []proctest.FD{
				proctest.File(0, "/dev/null", os.O_RDONLY),
				proctest.PipeWrite(1, 7001),
				proctest.TCP(3, ap("0.0.0.0:8080"), netip.AddrPort{}, proctest.TCPListen),
				proctest.TCP(4, ap("[::]:8443"), netip.AddrPort{}, proctest.TCPListen),
				proctest.TCP(5, ap("10.0.0.5:8080"), ap("10.0.0.9:40000"), proctest.TCPEstablished),
				proctest.UDP(6, ap("0.0.0.0:5353"), netip.AddrPort{}),
				proctest.UnixListener(7, "/run/web.sock"),
				proctest.Netlink(8, 9, 500),
				proctest.Epoll(9, 3, 4),
				proctest.Eventfd(10, 1),
				proctest.Timerfd(11, time.Second),
				proctest.Signalfd(12, syscall.SIGHUP),
				proctest.Inotify(13, "/etc/web"),
				proctest.Pidfd(14, 600),
			},
			Caps: &proctest.Caps{Eff: 1 << 10, Prm: 1 << 10, Bnd: 1<<41 - 1}, NoNewPrivs: true,
			Seccomp: proc.SeccompFilter, SeccompFilters: 1,
			Cgroup:     "/system.slice/web.service",
			Namespaces: map[string]uint64{"net": 4026532100},
			Limits:     []proc.Limit{{Resource: proc.RLimitNoFile, Soft: 65536, Hard: 65536}, {Resource: proc.RLimitCore, Soft: proc.Unlimited, Hard: proc.Unlimited}},
			Label:      "web (enforce)", OOMScoreAdj: -500, LoginUID: 1000, SessionID: 7,
		},
		{PID: 600, PPID: 500, Comm: "worker", Cmdline: []string{"/opt/web", "--worker"}, UID: 33,
			Namespaces: map[string]uint64{"net": 4026532100},
			FDs:        []proctest.FD{proctest.PipeRead(0, 7001)},
			Refused:    []string{"environ"}},
		{PID: 700, PPID: 500, Comm: "old-worker", State: proc.Zombie},
		{PID: 800, PPID: 1, Comm: "cron", Gone: true},
		{PID: 1000, PPID: 1, Comm: "app", Cmdline: []string{"/app"}, UID: 1000,
			Cgroup:     "/system.slice/docker-" + containerID + ".scope",
			Namespaces: map[string]uint64{"net": 4026532200, "pid": 4026532201, "mnt": 4026532202, "ipc": 4026532203, "uts": 4026532204, "cgroup": 4026532205},
			Caps:       &proctest.Caps{}, NoNewPrivs: true, Seccomp: proc.SeccompFilter, SeccompFilters: 1,
			Label: "docker-default (enforce)",
			Files: map[string]string{"mountinfo": "600 500 0:99 / / ro,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w\n"}},
		{PID: 900, PPID: 1, Comm: "sshd", Cmdline: []string{"sshd: /usr/sbin/sshd -D"},
			FDs:     []proctest.FD{proctest.TCP(3, ap("0.0.0.0:22"), netip.AddrPort{}, proctest.TCPListen)},
			Refused: []string{"fd"}},
	}}
}

const containerID = "3f4e1a2b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f"

// each runs f on the tree in memory and written to a directory.
func each(t *testing.T, f func(t *testing.T, fsys *proc.FS)) {
	t.Run("memory", func(t *testing.T) { f(t, machine().FS(t)) })
	t.Run("dir", func(t *testing.T) { f(t, machine().Dir(t)) })
}

// TestListeners is the test a tool author writes for their own function.
func TestListeners(t *testing.T) {
	each(t, func(t *testing.T, fsys *proc.FS) {
		got, err := Listeners(fsys)
		if err != nil {
			t.Fatal(err)
		}
		want := []Listener{
			{PID: 500, Comm: "web (\n\xff)", Cmdline: []string{"/opt/web", "--port=8080", "a b"}, Addr: "0.0.0.0:8080", Cgroup: "/system.slice/web.service", User: "www"},
			{PID: 500, Comm: "web (\n\xff)", Cmdline: []string{"/opt/web", "--port=8080", "a b"}, Addr: "[::]:8443", Cgroup: "/system.slice/web.service", User: "www"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Listeners (-want +got):\n%s", diff)
		}
	})
}

func TestProc(t *testing.T) {
	each(t, func(t *testing.T, fsys *proc.FS) {
		p := fsys.Process(500)
		st, err := p.Stat()
		if err != nil || st.Comm != "web (\n\xff)" || st.PPID != 1 || st.NumThreads != 3 {
			t.Errorf("Stat() = %+v, %v", st, err)
		}
		s, err := p.Status()
		if err != nil || s.Name != st.Comm || s.Uid.Real != 33 || s.CapEff != 1<<10 || !s.NoNewPrivs || s.Seccomp != proc.SeccompFilter || s.SeccompFilters != 1 {
			t.Errorf("Status() = %+v, %v", s, err)
		}
		if args, err := p.Cmdline(); err != nil || !slices.Equal(args, []string{"/opt/web", "--port=8080", "a b"}) {
			t.Errorf("Cmdline() = %q, %v", args, err)
		}
		if exe, err := p.Exe(); err != nil || exe.Path != "/opt/web" || !exe.Deleted {
			t.Errorf("Exe() = %+v, %v", exe, err)
		}
		tasks, err := p.Tasks()
		var tids []int
		for _, tk := range tasks {
			tids = append(tids, tk.TID)
		}
		if err != nil || !slices.Equal(tids, []int{500, 501, 502}) {
			t.Errorf("Tasks() = %v, %v", tids, err)
		}
		if c, err := p.Task(501).Comm(); err != nil || c != "gc" {
			t.Errorf("Task(501).Comm() = %q, %v", c, err)
		}
		if cg, err := p.Cgroup(); err != nil || len(cg) != 1 || cg[0].Path != "/system.slice/web.service" {
			t.Errorf("Cgroup() = %+v, %v", cg, err)
		}
		if n, err := p.Namespace("net"); err != nil || n.Inode != 4026532100 {
			t.Errorf("Namespace(net) = %+v, %v", n, err)
		}
		if n, err := fsys.Process(1).Namespace("net"); err != nil || n.Inode == 4026532100 {
			t.Errorf("init's Namespace(net) = %+v, %v; want the initial namespace", n, err)
		}
		if ms, err := p.MountInfo(); err != nil || len(ms) == 0 || ms[0].MountPoint != "/" {
			t.Errorf("MountInfo() = %+v, %v", ms, err)
		}
		if a, err := p.Attr(); err != nil || a.LSM != proc.LSMAppArmor || a.Profile != "web" || a.Mode != "enforce" {
			t.Errorf("Attr() = %+v, %v", a, err)
		}
		lim, err := p.Limits()
		if err != nil || lim[proc.RLimitNoFile].Soft != 65536 || lim[proc.RLimitCore].Hard != proc.Unlimited {
			t.Errorf("Limits() = %+v, %v", lim, err)
		}
		if m, err := p.Statm(); err != nil || m.Resident == 0 {
			t.Errorf("Statm() = %+v, %v", m, err)
		}
		if r, err := p.SmapsRollup(); err != nil || r.Rss == 0 {
			t.Errorf("SmapsRollup() = %+v, %v", r, err)
		}
		if m, err := p.Maps(); err != nil || len(m) == 0 || !strings.HasPrefix(m[0].Path, "/opt/web") {
			t.Errorf("Maps() = %+v, %v", m, err)
		}
		if io, err := p.IO(); err != nil || io.RChar == 0 {
			t.Errorf("IO() = %+v, %v", io, err)
		}
		if v, err := p.OOMScoreAdj(); err != nil || v != -500 {
			t.Errorf("OOMScoreAdj() = %d, %v", v, err)
		}
		if v, err := p.LoginUID(); err != nil || v != 1000 {
			t.Errorf("LoginUID() = %d, %v", v, err)
		}
		if v, err := p.SessionID(); err != nil || v != 7 {
			t.Errorf("SessionID() = %d, %v", v, err)
		}
		if v, err := fsys.Process(1).LoginUID(); err != nil || v != proc.AuditUnset {
			t.Errorf("init's LoginUID() = %d, %v; want unset", v, err)
		}

		// The kernel thread, the zombie and the vanished process.
		if st, err := fsys.Process(9).Stat(); err != nil || !st.IsKernelThread() {
			t.Errorf("kernel thread Stat() = %+v, %v", st, err)
		}
		if _, err := fsys.Process(9).Exe(); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("kernel thread Exe() error %v, want fs.ErrNotExist", err)
		}
		if st, err := fsys.Process(700).Stat(); err != nil || st.State != proc.Zombie {
			t.Errorf("zombie Stat() = %+v, %v", st, err)
		}
		if _, err := fsys.Process(800).Status(); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("vanished Status() error %v, want fs.ErrNotExist", err)
		}
	})
}

func TestFD(t *testing.T) {
	each(t, func(t *testing.T, fsys *proc.FS) {
		fds, err := fd.List(fsys.Process(500), &fd.Options{Info: true, Stat: true})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fds {
			name := f.Name()
			if f.Socket != nil && f.Socket.Proto == "netlink" {
				// How a netlink socket is named is not settled; its
				// table entry is.
				name = fmt.Sprintf("netlink family=%d port=%d", f.Socket.Protocol, f.Socket.PortID)
			}
			got = append(got, fmt.Sprintf("%d %s %s %s", f.FD, f.Type, f.Subtype, name))
		}
		want := []string{
			"0 file regular /dev/null",
			"1 pipe  pipe:[7001]",
			"3 socket  TCP 0.0.0.0:8080 (LISTEN)",
			"4 socket  TCP [::]:8443 (LISTEN)",
			"5 socket  TCP 10.0.0.5:8080->10.0.0.9:40000 (ESTABLISHED)",
			"6 socket  UDP 0.0.0.0:5353",
			"7 socket  UNIX /run/web.sock type=STREAM (LISTEN)",
			"8 socket  netlink family=9 port=500",
			"9 anon_inode eventpoll anon_inode:[eventpoll]",
			"10 anon_inode eventfd anon_inode:[eventfd]",
			"11 anon_inode timerfd anon_inode:[timerfd]",
			"12 anon_inode signalfd anon_inode:[signalfd]",
			"13 anon_inode inotify anon_inode:inotify",
			"14 anon_inode pidfd anon_inode:[pidfd]",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("fd.List (-want +got):\n%s", diff)
		}
		if len(fds) == 14 {
			if ep := fds[8].Info.Epoll; len(ep) != 2 || ep[1].Ino != fds[3].Inode {
				t.Errorf("epoll targets %+v, want fds 3 and 4", ep)
			}
			if pf := fds[13].Info.Pidfd; pf == nil || pf.Pid != 600 {
				t.Errorf("pidfd %+v", pf)
			}
		}
		// The worker holds the read end of the server's pipe; its
		// listener is refused.
		wfds, err := fd.List(fsys.Process(600), nil)
		if err != nil || len(wfds) != 1 || wfds[0].Inode != 7001 || wfds[0].Mode != fd.ReadOnly {
			t.Errorf("worker fd.List = %+v, %v", wfds, err)
		}
		if _, err := fd.List(fsys.Process(900), nil); !errors.Is(err, fs.ErrPermission) {
			t.Errorf("refused fd.List error %v, want fs.ErrPermission", err)
		}
	})
}

func TestEnviron(t *testing.T) {
	each(t, func(t *testing.T, fsys *proc.FS) {
		env, err := environ.Read(fsys.Process(500))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(env.Bytes(), []byte("USER=www\x00API_TOKEN=s3cr3t-v4lue\x00RAW\xfe=\xfex\x00NOEQUALS\x00")) || len(env.Entries) != 4 || !env.Entries[3].NoEquals {
			t.Errorf("environ.Read = %#v", env)
		}
		if _, err := environ.Read(fsys.Process(600)); !errors.Is(err, fs.ErrPermission) {
			t.Errorf("refused environ.Read error %v, want fs.ErrPermission", err)
		}
		if e, err := environ.Read(fsys.Process(9)); err != nil || len(e.Entries) != 0 {
			t.Errorf("kernel thread environ.Read = %v, %v", e, err)
		}
		if _, err := environ.Read(fsys.Process(800)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("vanished environ.Read error %v, want fs.ErrNotExist", err)
		}
	})
}

func TestTree(t *testing.T) {
	each(t, func(t *testing.T, fsys *proc.FS) {
		snap, err := tree.Scan(context.Background(), fsys, &tree.Options{ThreadNames: true})
		if err != nil {
			t.Fatal(err)
		}
		if f := snap.Failures(); snap.Node(800) != nil || len(f) != 1 || f[0].PID != 800 || !errors.Is(f[0], fs.ErrNotExist) {
			t.Errorf("vanished process %v, failures %v; want absent, one failure for 800 matching fs.ErrNotExist", snap.Node(800), f)
		}
		var b bytes.Buffer
		if err := snap.Render(&b, 1, nil); err != nil {
			t.Fatal(err)
		}
		proctest.Golden(t, "testdata/tree.golden", b.Bytes())
	})
}

// TestCaptureRoundTrip: a tree written to a directory opens with
// proctest.Capture like any capture.
func TestCaptureRoundTrip(t *testing.T) {
	dir := t.TempDir()
	if err := machine().WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	fsys := proctest.Capture(t, dir)
	info, err := fsys.Capture()
	if err != nil || info == nil || !slices.Equal(info.PIDs, []int{1, 2, 9, 500, 600, 700, 800, 900, 1000}) {
		t.Fatalf("Capture() = %+v, %v", info, err)
	}
}

// TestHelper starts a live helper process and reads it through the live
// /proc.
func TestHelper(t *testing.T) {
	c := proctest.StartHelper(t, proctest.HelperCommand(t, "listen", "x\xffy"))
	args, err := proc.Default().Process(c.PID).Cmdline()
	if err != nil || args[len(args)-1] != "x\xffy" {
		t.Errorf("helper Cmdline() = %q, %v", args, err)
	}
}

// TestContainer: the container package tells the docker container and
// what its process runs with, against init as the host's reference.
func TestContainer(t *testing.T) {
	each(t, func(t *testing.T, fsys *proc.FS) {
		ref, err := container.ReferenceOf(fsys.Process(1))
		if err != nil {
			t.Fatal(err)
		}
		id, err := container.Read(fsys.Process(1000), ref)
		if err != nil || id.Runtime != "docker" || id.ContainerID != containerID {
			t.Errorf("Read(1000) = %+v, %v; want docker %s", id, err, containerID)
		}
		if id, err := container.Read(fsys.Process(500), ref); err != nil || id.InContainer() {
			t.Errorf("Read(500) = %+v, %v; want no container", id, err)
		}
		p, err := container.Check(fsys.Process(1000), ref, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Its own namespaces but the host's user namespace: the only
		// finding a restricted profile has.
		var got []string
		for _, f := range p.Findings {
			got = append(got, string(f.Control))
		}
		if !slices.Equal(got, []string{"host-user-namespace"}) {
			t.Errorf("Check(1000) findings %+v, want host-user-namespace only", p.Findings)
		}
	})
}
