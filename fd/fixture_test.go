package fd

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/procscope/procscope/internal/countfs"
	"github.com/procscope/procscope/internal/fixtures"
	"github.com/procscope/procscope/proc"
)

// kindsFixture opens the fd-kinds capture (see its README): the pid holding
// every kind, the pid in its own network namespace, and their reports.
func kindsFixture(t *testing.T) (fsys *proc.FS, kinds, netns int, rk, rn map[string]int) {
	dir := fixtures.Dir(t, "fd-kinds")
	fsys = fixtures.FS(t, "fd-kinds")
	pids, err := fsys.PIDs()
	if err != nil || len(pids) != 2 {
		t.Fatalf("PIDs = %v, %v; want 2", pids, err)
	}
	for name, dst := range map[string]*map[string]int{"kinds.json": &rk, "netns.json": &rn} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, dst); err != nil {
			t.Fatal(err)
		}
	}
	return fsys, pids[0], pids[1], rk, rn
}

func TestListFixture(t *testing.T) {
	fsys, pid, netns, r, rn := kindsFixture(t)
	if rawDir(fsys) != "" {
		t.Fatal("a capture must not take the raw /proc path")
	}
	fds, err := List(fsys.Process(pid), &Options{Info: true, Stat: true})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	m := byFD(fds)
	type want struct {
		ty      Type
		sub     string
		mode    AccessMode
		deleted bool
		proto   string
		state   string
	}
	tests := map[string]want{
		"regular":    {File, SubRegular, ReadWrite, false, "", ""},
		"deleted":    {File, SubRegular, ReadWrite, true, "", ""},
		"dir":        {File, SubDirectory, ReadOnly, false, "", ""},
		"pipe_r":     {Pipe, "", ReadOnly, false, "", ""},
		"pipe_w":     {Pipe, "", WriteOnly, false, "", ""},
		"eventfd":    {AnonInode, SubEventfd, ReadWrite, false, "", ""},
		"epoll":      {AnonInode, SubEventpoll, ReadWrite, false, "", ""},
		"inotify":    {AnonInode, SubInotify, ReadOnly, false, "", ""},
		"timerfd":    {AnonInode, SubTimerfd, ReadWrite, false, "", ""},
		"signalfd":   {AnonInode, SubSignalfd, ReadWrite, false, "", ""},
		"pidfd":      {AnonInode, SubPidfd, ReadWrite, false, "", ""},
		"memfd":      {File, SubMemfd, ReadWrite, true, "", ""},
		"devnull":    {File, SubCharDev, ReadOnly, false, "", ""},
		"tcp_listen": {Socket, "", ReadWrite, false, "tcp", "LISTEN"},
		"tcp_client": {Socket, "", ReadWrite, false, "tcp", "ESTABLISHED"},
		"tcp_server": {Socket, "", ReadWrite, false, "tcp", "ESTABLISHED"},
		"udp":        {Socket, "", ReadWrite, false, "udp", "UNCONN"},
		"unix":       {Socket, "", ReadWrite, false, "unix", "LISTEN"},
		"netlink":    {Socket, "", ReadWrite, false, "netlink", ""},
	}
	for kind, w := range tests {
		t.Run(kind, func(t *testing.T) {
			f, ok := m[r[kind]]
			if !ok {
				t.Fatalf("fd %d missing", r[kind])
			}
			got := want{ty: f.Type, sub: f.Subtype, mode: f.Mode, deleted: f.Deleted}
			if f.Socket != nil {
				got.proto, got.state = f.Socket.Proto, f.Socket.StateName()
			}
			if diff := cmp.Diff(w, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("fd %d %q (-want +got):\n%s", f.FD, f.Target, diff)
			}
			if f.Info == nil || f.Inode == 0 || f.Inode != f.Info.Ino {
				t.Errorf("fd %d: inode %d, fdinfo %+v", f.FD, f.Inode, f.Info)
			}
		})
	}
	if s := m[r["tcp_client"]].Socket; s != nil {
		if s.RemoteAddr() != "127.0.0.1:"+strconv.Itoa(r["tcp_port"]) || s.Local.Port() != uint16(r["tcp_client_port"]) {
			t.Errorf("tcp_client: %s -> %s", s.LocalAddr(), s.RemoteAddr())
		}
	}
	if e := m[r["epoll"]].Info; e == nil || len(e.Epoll) != 1 || e.Epoll[0].FD != r["eventfd"] {
		t.Errorf("epoll targets %+v, want fd %d", e, r["eventfd"])
	}

	// The same fds with the default options: no fdinfo, modes from the
	// capture's recorded lstat.
	plain, err := List(fsys.Process(pid), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range plain {
		if full := m[f.FD]; f.Mode != full.Mode || f.Info != nil {
			t.Errorf("fd %d: default mode %v info %v, full mode %v", f.FD, f.Mode, f.Info, full.Mode)
		}
	}
	if n, err := Count(fsys.Process(pid)); err != nil || n != len(fds) {
		t.Errorf("Count = %d, %v; want %d", n, err, len(fds))
	}

	// The namespace helper's socket comes from its own tables.
	nfds, err := List(fsys.Process(netns), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := byFD(nfds)[rn["tcp_listen"]].Socket
	if s == nil || s.LocalAddr() != "0.0.0.0:"+strconv.Itoa(rn["tcp_port"]) || s.StateName() != "LISTEN" {
		t.Errorf("netns listener: %+v", s)
	}
}

// byFD maps a listing by fd number.
func byFD(fds []FD) map[int]FD {
	m := map[int]FD{}
	for _, f := range fds {
		m[f.FD] = f
	}
	return m
}

func TestHoldersFixture(t *testing.T) {
	fsys, pid, netns, r, _ := kindsFixture(t)
	c, err := fsys.CaptureInfo()
	if err != nil || c == nil {
		t.Fatalf("Capture: %v, %v", c, err)
	}
	ref := func(link string) FileRef {
		l, ok := c.Links[link]
		if !ok {
			t.Fatalf("capture has no link %s", link)
		}
		return FileRef{Dev: l.Dev, Ino: l.Ino}
	}
	p := strconv.Itoa(pid)
	tests := []struct {
		name string
		ref  FileRef
		want []Holder
	}{
		{"regular file, open and mapped", ref(p + "/fd/" + strconv.Itoa(r["regular"])),
			[]Holder{{PID: pid, Comm: "fd.test", FDs: []HeldFD{{r["regular"], ReadWrite}}, Access: "Fm"}}},
		{"directory open and watched", ref(p + "/fd/" + strconv.Itoa(r["dir"])),
			[]Holder{{PID: pid, Comm: "fd.test", FDs: []HeldFD{{r["dir"], ReadOnly}}, Access: "f"}}},
		{"executable", ref(p + "/exe"),
			[]Holder{{PID: pid, Comm: "fd.test", Access: "e"}, {PID: netns, Comm: "fd.test", Access: "e"}}},
		{"deleted by old path", FileRef{Path: "/tmp/procscope-fd-fixture/gone"},
			[]Holder{{PID: pid, Comm: "fd.test", FDs: []HeldFD{{r["deleted"], ReadWrite}}, Access: "Fm"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := HoldersOf(context.Background(), fsys, tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Failures) != 0 {
				t.Errorf("failures %v", res.Failures)
			}
			if diff := cmp.Diff(tt.want, res.Holders); diff != "" {
				t.Errorf("HoldersOf (-want +got):\n%s", diff)
			}
		})
	}
}

// jsonOf encodes f with its MarshalJSON and decodes the object back.
func jsonOf(t *testing.T, f FD) fdJSON {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var e fdJSON
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return e
}

// TestHoldersCancel: HoldersOf stops before the next process once its
// context is done, returning ctx.Err() with the holders found so far, and
// reads nothing when the context is done before it starts.
func TestHoldersCancel(t *testing.T) {
	m := fstest.MapFS{}
	for pid := 1; pid <= 10; pid++ {
		d := strconv.Itoa(pid) + "/"
		m[d+"fd/3"] = &fstest.MapFile{Data: []byte("/gone (deleted)"), Mode: fs.ModeSymlink | 0o700}
		m[d+"fdinfo/3"] = &fstest.MapFile{Data: []byte("pos:\t0\nflags:\t02\nmnt_id:\t1\n")}
		m[d+"maps"] = &fstest.MapFile{}
		m[d+"comm"] = &fstest.MapFile{Data: []byte("holder\n")}
	}
	ref := FileRef{Path: "/gone"}
	ctx, cancel := context.WithCancel(context.Background())
	c := countfs.New(m)
	c.Hook = func(pid int) {
		if pid == 4 {
			cancel()
		}
	}
	res, err := HoldersOf(ctx, proc.New(c), ref)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("HoldersOf(cancelled during pid 4) error = %v; want context.Canceled", err)
	}
	for pid, n := range c.Opens() {
		if pid > 4 {
			t.Errorf("pid %d read %d times after the cancel", pid, n)
		}
	}
	if len(res.Holders) != 4 || res.Holders[3].PID != 4 {
		t.Errorf("HoldersOf(cancelled) = %+v; want the holders 1-4", res)
	}

	c = countfs.New(m)
	res, err = HoldersOf(ctx, proc.New(c), ref)
	if !errors.Is(err, context.Canceled) || len(c.Opens()) != 0 || c.Listed() != 0 || len(res.Holders) != 0 {
		t.Errorf("HoldersOf(already cancelled) = %+v, %v after %d listings, opens %v; want context.Canceled and nothing read", res, err, c.Listed(), c.Opens())
	}

	c = countfs.New(m)
	res, err = HoldersOf(context.Background(), proc.New(c), ref)
	if err != nil || len(c.Opens()) != 10 || len(res.Holders) != 10 || len(res.Failures) != 0 {
		t.Errorf("HoldersOf(not cancelled) = %+v, %v, opens %v; want all 10 holding (the counter works)", res, err, c.Opens())
	}
}

// TestFDJSON: an FD encodes with the keys lsfd -json has always printed;
// HTML escaping is the calling encoder's choice; a target that is not
// UTF-8 keeps its bytes in target_bytes; fdinfo fields are null unless read.
func TestFDJSON(t *testing.T) {
	f := FD{FD: 3, Target: "/tmp/<a&b>\xff", Type: File, Path: "/tmp/<a&b>\xff", Mode: ReadWrite}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"fd":3,"type":"file","subtype":"","target":"/tmp/\u003ca\u0026b\u003e\ufffd","target_bytes":"L3RtcC88YSZiPv8=","path":"/tmp/\u003ca\u0026b\u003e\ufffd","deleted":false,"inode":0,"mode":"u","flags":null,"pos":null,"mnt_id":null}`
	if string(b) != want {
		t.Errorf("json.Marshal(FD) =\n%s\nwant\n%s", b, want)
	}
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(FD{FD: 4, Target: "socket:[7]", Type: Socket, Info: &Info{Flags: 2, Pos: 5, MntID: 9}}); err != nil {
		t.Fatal(err)
	}
	want = `{"fd":4,"type":"socket","subtype":"","target":"socket:[7]","path":"","deleted":false,"inode":0,"mode":"r","flags":2,"pos":5,"mnt_id":9,"socket":{"proto":"","local":"","remote":"","state":""}}` + "\n"
	if buf.String() != want {
		t.Errorf("Encode(socket FD) =\n%s\nwant\n%s", buf.String(), want)
	}
	f.Target = "<x>"
	buf.Reset()
	enc.Encode(f)
	if !strings.Contains(buf.String(), `"target":"<x>"`) {
		t.Errorf("SetEscapeHTML(false) encoder: %s; want the target unescaped", buf.String())
	}
}
