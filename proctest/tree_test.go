package proctest_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/environ"
	"github.com/procscope/procscope/fd"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
	"github.com/procscope/procscope/tree"
)

// awkward is a comm with every byte that breaks naive parsers: the
// parentheses and blank of stat, a newline, a backslash and invalid UTF-8.
const awkward = ") (x\n\\\xff"

// sample is a tree with one of everything the kit can write.
func sample() *proctest.Tree {
	lo := netip.MustParseAddrPort
	return &proctest.Tree{Processes: []proctest.Process{
		{PID: 1, Comm: "init", Cmdline: []string{"/sbin/init"}, Exe: "/sbin/init"},
		{PID: 2, Comm: "kthreadd", Kernel: true},
		{PID: 3, PPID: 2, Comm: "kworker/0:0", Kernel: true},
		{PID: 100, PPID: 1, Comm: awkward, Cmdline: []string{"/usr/bin/srv", "-a", "x y", "\xfe"},
			Environ: []string{"HOME=/root", "BIN\xff=\xfe", "NOEQUALS", "DB_PASSWORD=hunter2"},
			Exe:     "/usr/bin/srv", ExeDeleted: true, Cwd: "/srv",
			UID: 1000, GID: 1000, Groups: []uint32{4, 27},
			Threads: []proctest.Thread{{TID: 101, Comm: "worker"}, {TID: 102}},
			FDs: []proctest.FD{
				proctest.File(0, "/dev/null", os.O_RDONLY),
				proctest.PipeWrite(1, 555),
				proctest.File(2, "/var/log/srv.log", os.O_WRONLY|os.O_APPEND|syscall.O_CLOEXEC),
				proctest.TCP(3, lo("0.0.0.0:8080"), netip.AddrPort{}, proctest.TCPListen),
				proctest.TCP(4, lo("127.0.0.1:8080"), lo("127.0.0.1:51234"), proctest.TCPEstablished),
				proctest.TCP(5, lo("[::1]:443"), netip.AddrPort{}, proctest.TCPListen),
				proctest.UDP(6, lo("127.0.0.1:53"), netip.AddrPort{}),
				proctest.UDP(7, lo("[::]:5353"), netip.AddrPort{}),
				proctest.UnixListener(8, "/run/srv.sock"),
				proctest.UnixConn(9, "@abstract"),
				proctest.Netlink(10, 0, 100),
				proctest.Eventfd(11, 5),
				proctest.Epoll(12, 3, 4, 11),
				proctest.Timerfd(13, 1500*time.Millisecond),
				proctest.Signalfd(14, syscall.SIGINT, syscall.SIGTERM),
				proctest.Inotify(15, "/etc", "/srv"),
				proctest.Pidfd(16, 200),
				{Num: 17, Path: "/tmp/scratch", Deleted: true, Flags: os.O_RDWR},
			},
			Caps:       &proctest.Caps{Eff: 1 << 21, Prm: 1 << 21, Bnd: 1<<41 - 1},
			NoNewPrivs: true, Seccomp: proc.SeccompFilter, SeccompFilters: 2,
			Cgroup:     "/system.slice/srv.service",
			Namespaces: map[string]uint64{"net": 4026532000, "mnt": 4026532001},
			Limits:     []proc.Limit{{Resource: proc.RLimitNoFile, Soft: 65536, Hard: 65536}},
			Label:      "/usr/bin/srv (enforce)", OOMScoreAdj: 500, LoginUID: 1000, SessionID: 3,
		},
		{PID: 200, PPID: 100, Comm: "child", Cmdline: []string{"child"}, UID: 1000,
			Namespaces: map[string]uint64{"net": 4026532000},
			FDs:        []proctest.FD{proctest.PipeRead(0, 555)},
			Refused:    []string{"environ", "fd"}},
		{PID: 300, PPID: 100, Comm: "defunct", State: proc.Zombie},
		{PID: 400, PPID: 1, Comm: "gone", Gone: true},
	}}
}

// forms returns the sample in memory and on disk.
func forms(t *testing.T) map[string]*proc.FS {
	return map[string]*proc.FS{"mapfs": sample().FS(t), "dir": sample().Dir(t)}
}

func TestProcReaders(t *testing.T) {
	for name, fsys := range forms(t) {
		t.Run(name, func(t *testing.T) {
			pids, err := fsys.PIDs()
			if want := []int{1, 2, 3, 100, 200, 300, 400}; err != nil || !cmp.Equal(pids, want) {
				t.Fatalf("PIDs() = %v, %v; want %v", pids, err, want)
			}
			p := fsys.Process(100)
			st, err := p.Stat()
			if err != nil {
				t.Fatal(err)
			}
			if st.PID != 100 || st.PPID != 1 || st.Comm != ") (x\n\\\xff" || st.State != proc.Sleeping || st.NumThreads != 3 || st.IsKernelThread() {
				t.Errorf("Stat() = %+v", st)
			}
			status, err := p.Status()
			if err != nil {
				t.Fatal(err)
			}
			if status.Name != st.Comm || status.Pid != 100 || status.PPid != 1 || status.Uid.Effective != 1000 ||
				!cmp.Equal(status.Groups, []uint32{4, 27}) || status.Threads != 3 ||
				status.CapEff != 1<<21 || status.CapBnd != 1<<41-1 || !status.NoNewPrivs ||
				status.Seccomp != proc.SeccompFilter || status.SeccompFilters != 2 || status.Kthread {
				t.Errorf("Status() = %+v", status)
			}
			if status.VmRSS != 256*4096 || status.Extra["untag_mask"] == "" {
				t.Errorf("Status() memory: VmRSS %d, extra %v", status.VmRSS, status.Extra)
			}
			comm, err := p.Comm()
			if err != nil || comm != st.Comm {
				t.Errorf("Comm() = %q, %v", comm, err)
			}
			args, err := p.Cmdline()
			if want := []string{"/usr/bin/srv", "-a", "x y", "\xfe"}; err != nil || !cmp.Equal(args, want) {
				t.Errorf("Cmdline() = %q, %v; want %q", args, err, want)
			}
			exe, err := p.Exe()
			if err != nil || exe.Path != "/usr/bin/srv" || !exe.Deleted {
				t.Errorf("Exe() = %+v, %v; want /usr/bin/srv deleted", exe, err)
			}
			if cwd, err := p.Cwd(); err != nil || cwd != "/srv" {
				t.Errorf("Cwd() = %q, %v", cwd, err)
			}
			tasks, err := p.Tasks()
			if err != nil || len(tasks) != 3 {
				t.Fatalf("Tasks() = %v, %v", tasks, err)
			}
			for i, want := range []struct {
				tid  int
				comm string
			}{{100, st.Comm}, {101, "worker"}, {102, st.Comm}} {
				c, err := tasks[i].Comm()
				tst, err2 := tasks[i].Stat()
				if tasks[i].TID != want.tid || c != want.comm || err != nil || err2 != nil || tst.PID != want.tid {
					t.Errorf("task %d = %d %q %v %v", i, tasks[i].TID, c, err, err2)
				}
			}
			cg, err := p.Cgroup()
			if err != nil || len(cg) != 1 || cg[0].Path != "/system.slice/srv.service" || cg[0].HierarchyID != 0 {
				t.Errorf("Cgroup() = %+v, %v", cg, err)
			}
			ns, err := p.Namespace("net")
			if err != nil || ns.Inode != 4026532000 || ns.Type != "net" {
				t.Errorf("Namespace(net) = %+v, %v", ns, err)
			}
			if nss, err := p.Namespaces(); err != nil || len(nss) != 10 {
				t.Errorf("Namespaces() = %d, %v; want 10 links", len(nss), err)
			}
			mounts, err := p.MountInfo()
			if err != nil || len(mounts) != 5 || mounts[4].MountPoint != `/mnt/a b\c` {
				t.Errorf("MountInfo() = %+v, %v", mounts, err)
			}
			attr, err := p.Attr()
			if err != nil || attr.LSM != proc.LSMAppArmor || attr.Profile != "/usr/bin/srv" {
				t.Errorf("Attr() = %+v, %v", attr, err)
			}
			limits, err := p.Limits()
			if err != nil || len(limits) != 16 || limits[proc.RLimitNoFile].Soft != 65536 || limits[proc.RLimitCPU].Soft != proc.Unlimited || limits[proc.RLimitNice].Unit != "" {
				t.Errorf("Limits() = %+v, %v", limits, err)
			}
			statm, err := p.Statm()
			if err != nil || statm.Resident != 256 {
				t.Errorf("Statm() = %+v, %v", statm, err)
			}
			rollup, err := p.SmapsRollup()
			if err != nil || rollup.Rss != 1024*1024 {
				t.Errorf("SmapsRollup() = %+v, %v", rollup, err)
			}
			maps, err := p.Maps()
			if err != nil || len(maps) != 7 || maps[0].Path != "/usr/bin/srv (deleted)" || maps[0].Inode != exeIno(t, fsys) {
				t.Errorf("Maps() = %+v, %v", maps, err)
			}
			if io, err := p.IO(); err != nil || io.RChar == 0 {
				t.Errorf("IO() = %+v, %v", io, err)
			}
			if adj, err := p.OOMScoreAdj(); err != nil || adj != 500 {
				t.Errorf("OOMScoreAdj() = %d, %v", adj, err)
			}
			if id, err := p.LoginUID(); err != nil || id != 1000 {
				t.Errorf("LoginUID() = %d, %v", id, err)
			}
			if id, err := p.SessionID(); err != nil || id != 3 {
				t.Errorf("SessionID() = %d, %v", id, err)
			}
			if info, err := p.Info(); err != nil {
				t.Errorf("Info() error %v (%+v)", err, info)
			}
		})
	}
}

func exeIno(t *testing.T, fsys *proc.FS) uint64 {
	id, err := fsys.StatLink("100/exe")
	if err != nil || id.Nlink != 0 {
		t.Errorf("StatLink(100/exe) = %+v, %v; want a deleted file", id, err)
	}
	return id.Ino
}

// TestSpecialProcesses: the kernel thread, the zombie, the process gone
// after the listing and the refused files read as on the live /proc.
func TestSpecialProcesses(t *testing.T) {
	for name, fsys := range forms(t) {
		t.Run(name, func(t *testing.T) {
			k := fsys.Process(3)
			st, err := k.Stat()
			if err != nil || !st.IsKernelThread() || st.PPID != 2 {
				t.Errorf("kernel thread Stat() = %+v, %v", st, err)
			}
			if _, err := k.Exe(); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("kernel thread Exe() error %v, want fs.ErrNotExist", err)
			}
			if args, err := k.Cmdline(); err != nil || len(args) != 0 {
				t.Errorf("kernel thread Cmdline() = %q, %v", args, err)
			}
			if status, err := k.Status(); err != nil || !status.Kthread || status.VmRSS != 0 {
				t.Errorf("kernel thread Status() = %+v, %v", status, err)
			}
			if _, err := k.SmapsRollup(); err == nil {
				t.Error("kernel thread SmapsRollup() succeeded, want an error")
			}
			if attr, err := k.Attr(); err != nil || attr.LSM != proc.LSMNone {
				t.Errorf("Attr() without LSM = %+v, %v; want LSMNone", attr, err)
			}
			if id, err := k.LoginUID(); err != nil || id != proc.AuditUnset {
				t.Errorf("kernel thread LoginUID() = %v, %v; want unset", id, err)
			}

			z := fsys.Process(300)
			if st, err := z.Stat(); err != nil || st.State != proc.Zombie {
				t.Errorf("zombie Stat() = %+v, %v", st, err)
			}
			if _, err := z.Exe(); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("zombie Exe() error %v, want fs.ErrNotExist", err)
			}
			if fds, err := fd.List(z, nil); err != nil || len(fds) != 0 {
				t.Errorf("zombie fd.List = %v, %v; want none", fds, err)
			}

			g := fsys.Process(400)
			if _, err := g.Stat(); !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, proc.ErrGone) {
				t.Errorf("gone Stat() error %v, want proc.ErrGone and fs.ErrNotExist", err)
			}
			if _, err := fd.List(g, nil); !errors.Is(err, proc.ErrGone) {
				t.Errorf("gone fd.List error %v, want proc.ErrGone", err)
			}
			if _, err := environ.Read(g); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("gone environ.Read error %v, want fs.ErrNotExist", err)
			}

			c := fsys.Process(200)
			if _, err := environ.Read(c); !errors.Is(err, fs.ErrPermission) {
				t.Errorf("refused environ.Read error %v, want fs.ErrPermission", err)
			}
			if _, err := fd.List(c, nil); !errors.Is(err, fs.ErrPermission) {
				t.Errorf("refused fd.List error %v, want fs.ErrPermission", err)
			}
			if _, err := c.Stat(); err != nil {
				t.Errorf("Stat() of a process with refused files: %v", err)
			}
		})
	}
}

func TestFDs(t *testing.T) {
	for name, fsys := range forms(t) {
		t.Run(name, func(t *testing.T) {
			fds, err := fd.List(fsys.Process(100), &fd.Options{Info: true, Stat: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(fds) != 18 {
				t.Fatalf("fd.List = %d fds, want 18", len(fds))
			}
			names := make([]string, len(fds))
			for i, f := range fds {
				names[i] = f.Name()
				if f.Info == nil || f.Info.Ino != f.Inode {
					t.Errorf("fd %d: info %+v, inode %d", f.FD, f.Info, f.Inode)
				}
			}
			want := []string{
				"/dev/null", "pipe:[555]", "/var/log/srv.log",
				"TCP 0.0.0.0:8080 (LISTEN)", "TCP 127.0.0.1:8080->127.0.0.1:51234 (ESTABLISHED)", "TCP [::1]:443 (LISTEN)",
				"UDP 127.0.0.1:53", "UDP [::]:5353",
				"UNIX /run/srv.sock type=STREAM (LISTEN)", "UNIX @abstract type=STREAM (ESTABLISHED)",
			}
			for i, w := range want {
				if names[i] != w {
					t.Errorf("fd %d Name() = %q, want %q", i, names[i], w)
				}
			}
			if fds[10].Socket == nil || fds[10].Socket.Proto != "netlink" || fds[10].Socket.PortID != 100 {
				t.Errorf("netlink fd = %+v", fds[10].Socket)
			}
			for i, sub := range map[int]string{11: fd.SubEventfd, 12: fd.SubEventpoll, 13: fd.SubTimerfd, 14: fd.SubSignalfd, 15: fd.SubInotify, 16: fd.SubPidfd} {
				if fds[i].Type != fd.AnonInode || fds[i].Subtype != sub {
					t.Errorf("fd %d = %v %q, want anon_inode %s", i, fds[i].Type, fds[i].Subtype, sub)
				}
			}
			info := func(i int) fd.Info { return *fds[i].Info }
			if e := info(11).Eventfd; e == nil || e.Count != 5 {
				t.Errorf("eventfd info %+v", e)
			}
			if ep := info(12).Epoll; len(ep) != 3 || ep[0].FD != 3 || ep[0].Ino != fds[3].Inode {
				t.Errorf("epoll info %+v", ep)
			}
			if tf := info(13).Timerfd; tf == nil || tf.IntervalSec != 1 || tf.IntervalNsec != 5e8 {
				t.Errorf("timerfd info %+v", tf)
			}
			if sf := info(14).Signalfd; sf == nil || sf.Sigmask != 1<<1|1<<14 {
				t.Errorf("signalfd info %+v", sf)
			}
			if in := info(15).Inotify; len(in) != 2 || in[0].WD != 1 {
				t.Errorf("inotify info %+v", in)
			}
			if pf := info(16).Pidfd; pf == nil || pf.Pid != 200 {
				t.Errorf("pidfd info %+v", pf)
			}
			if f := fds[2]; f.Mode != fd.WriteOnly || !f.Info.Flags.Has(fd.O_APPEND|fd.O_CLOEXEC) {
				t.Errorf("log fd mode %v flags %v", f.Mode, f.Info.Flags)
			}
			if f := fds[17]; !f.Deleted || f.Path != "/tmp/scratch" || f.File == nil || f.File.Nlink != 0 {
				t.Errorf("deleted fd = %+v", f)
			}
			// The pipe's two ends, in two processes, are one inode.
			if fds[1].Inode != 555 || fds[1].Mode != fd.WriteOnly {
				t.Errorf("pipe fd = %+v", fds[1])
			}
		})
	}
}

func TestEnvironAndTree(t *testing.T) {
	for name, fsys := range forms(t) {
		t.Run(name, func(t *testing.T) {
			env, err := environ.Read(fsys.Process(100))
			if err != nil {
				t.Fatal(err)
			}
			if len(env.Entries) != 4 || env.Entries[1].Name != "BIN\xff" || env.Entries[1].Value != "\xfe" || !env.Entries[2].NoEquals {
				t.Errorf("environ.Read = %#v", env)
			}
			if v, ok := env.Lookup("DB_PASSWORD"); !ok || v != "hunter2" {
				t.Errorf("Lookup(DB_PASSWORD) = %q, %v", v, ok)
			}
			if env, err := environ.Read(fsys.Process(2)); err != nil || len(env.Entries) != 0 {
				t.Errorf("kernel thread environ = %v, %v; want empty", env, err)
			}

			snap, err := tree.Scan(context.Background(), fsys, &tree.Options{ThreadNames: true})
			if err != nil {
				t.Fatal(err)
			}
			// The one failure is the process that vanished.
			if f := snap.Failures(); len(f) != 1 || f[0].PID != 400 || !errors.Is(f[0], proc.ErrGone) {
				t.Errorf("Scan failures %v, want pid 400 gone", f)
			}
			if snap.Len() != 6 || snap.Node(400) != nil {
				t.Errorf("Scan: %d processes, gone 400 present: %v", snap.Len(), snap.Node(400) != nil)
			}
			if n := snap.Node(3); n == nil || !n.Kernel || n.Parent().PID != 2 {
				t.Errorf("Node(3) = %+v", n)
			}
			var b bytes.Buffer
			if err := snap.Render(&b, 1, &tree.RenderOptions{Width: -1}); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), "child(200)") || !strings.Contains(b.String(), "{worker}(101)") || !strings.Contains(b.String(), "defunct(300)") {
				t.Errorf("Render:\n%s", b.String())
			}
			proctest.Golden(t, "testdata/sample.tree.golden", b.Bytes())
		})
	}
}

// TestInconsistent: trees that cannot exist are refused.
func TestInconsistent(t *testing.T) {
	for _, tt := range []proctest.Tree{
		{Processes: []proctest.Process{{PID: 0}}},
		{Processes: []proctest.Process{{PID: 5}, {PID: 5}}},
		{Processes: []proctest.Process{{PID: 5, Threads: []proctest.Thread{{TID: 6}}}, {PID: 6}}},
		{Processes: []proctest.Process{{PID: 5, FDs: []proctest.FD{proctest.Eventfd(3, 0), proctest.PipeRead(3, 0)}}}},
		{Processes: []proctest.Process{{PID: 5, FDs: []proctest.FD{proctest.Epoll(3, 4)}}}},
	} {
		if _, err := tt.MapFS(); err == nil {
			t.Errorf("MapFS(%+v) succeeded, want an error", tt.Processes)
		}
	}
}

// TestFilesVerbatim: Files replace generated files, so a test can feed a
// malformed one, and the reader names it.
func TestFilesVerbatim(t *testing.T) {
	tr := proctest.Tree{Processes: []proctest.Process{{PID: 7, Files: map[string]string{"stat": "7 (x) S junk\n"}}}}
	_, err := tr.FS(t).Process(7).Stat()
	var pe *proc.ParseError
	if !errors.As(err, &pe) || pe.Path != "7/stat" {
		t.Errorf("Stat() of a malformed stat: %v, want a *proc.ParseError for 7/stat", err)
	}
}

// TestLabels: each LSM's label ends as its module ends it, so ParseAttr
// tells them apart.
func TestLabels(t *testing.T) {
	for label, want := range map[string]proc.LSM{
		"unconfined":                       proc.LSMAppArmor,
		"/usr/bin/x (complain)":            proc.LSMAppArmor,
		"system_u:system_r:container_t:s0": proc.LSMSELinux,
	} {
		tr := proctest.Tree{Processes: []proctest.Process{{PID: 7, Label: label}}}
		a, err := tr.FS(t).Process(7).Attr()
		if err != nil || a.LSM != want || a.Label != label {
			t.Errorf("Label %q: Attr() = %+v, %v; want %s", label, a, err, want)
		}
	}
}

// TestCaps: nil Caps gives a root process full sets and another user's
// only the bounding set; explicit sets are written as given, zero included.
func TestCaps(t *testing.T) {
	tr := proctest.Tree{Processes: []proctest.Process{
		{PID: 1}, {PID: 2, UID: 1000}, {PID: 3, Caps: &proctest.Caps{}},
		{PID: 4, Caps: &proctest.Caps{Inh: 1, Prm: 2, Eff: 4, Bnd: 8, Amb: 16}},
	}}
	fsys := tr.FS(t)
	full := proc.CapSet(1<<41 - 1)
	for pid, want := range map[int][5]proc.CapSet{
		1: {0, full, full, full, 0}, 2: {0, 0, 0, full, 0}, 3: {}, 4: {1, 2, 4, 8, 16},
	} {
		s, err := fsys.Process(pid).Status()
		if got := [5]proc.CapSet{s.CapInh, s.CapPrm, s.CapEff, s.CapBnd, s.CapAmb}; err != nil || got != want {
			t.Errorf("pid %d: caps %x, %v; want %x", pid, got, err, want)
		}
	}
}

// TestDirMatchesMapFS: the two forms of a tree hold the same files, links
// and capture.json, and the directory is private as a capture is.
func TestDirMatchesMapFS(t *testing.T) {
	m, err := sample().MapFS()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := sample().WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	for name, f := range m {
		p := filepath.Join(dir, filepath.FromSlash(name))
		switch {
		case f.Mode&fs.ModeSymlink != 0:
			if target, err := os.Readlink(p); err != nil || target != string(f.Data) {
				t.Errorf("%s: link %q, %v; want %q", name, target, err, f.Data)
			}
		case f.Mode.IsDir():
			if fi, err := os.Stat(p); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
				t.Errorf("%s: %v, %v; want a 0700 directory", name, fi, err)
			}
		default:
			b, err := os.ReadFile(p)
			fi, _ := os.Stat(p)
			if err != nil || !bytes.Equal(b, f.Data) || fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: %q (%v), %v; want %q, mode 0600", name, b, fi.Mode(), err, f.Data)
			}
		}
	}
	n := 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	files := 0
	for _, f := range m {
		if !f.Mode.IsDir() {
			files++
		}
	}
	if n != files {
		t.Errorf("directory holds %d files and links, MapFS %d", n, files)
	}
}
