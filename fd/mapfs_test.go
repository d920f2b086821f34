package fd

import (
	"errors"
	"io/fs"
	"maps"
	"net/netip"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
)

func link(target string, perm fs.FileMode) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte(target), Mode: fs.ModeSymlink | perm}
}

// TestListPartial: an unreadable or malformed fdinfo keeps its entry, a
// malformed net table is named with its line, and the listing stays usable.
func TestListPartial(t *testing.T) {
	fsys := proc.New(fstest.MapFS{
		"1/fd/0":      link("/a", 0o400),
		"1/fd/1":      link("socket:[5]", 0o600),
		"1/fd/2":      link("/b (deleted)", 0o200),
		"1/fd/10":     link("pipe:[3]", 0o200),
		"1/fdinfo/0":  {Data: []byte("pos:\t0\nflags:\t0100000\nmnt_id:\t1\nino:\t7\n")},
		"1/fdinfo/1":  {Data: []byte("pos:\tbad\nflags:\t02\n")},
		"1/fdinfo/10": {Data: []byte("pos:\t0\nflags:\t01\nmnt_id:\t2\nino:\t3\n")},
		"1/net/tcp":   {Data: []byte("header\n   0: 0100007F:0050 00000000:0000 0A 0:0 0:0 0 0 0 9\n   1: junk\n")},
		"1/net/unix":  {Data: []byte("Num RefCount Protocol Flags Type St Inode Path\n0000000000000000: 00000002 00000000 00010000 0001 01 5 /run/x y\n")},
	})
	fds, err := List(fsys.Process(1), &Options{Info: true})
	if len(fds) != 4 {
		t.Fatalf("List = %d entries, %v; want 4", len(fds), err)
	}
	for i, want := range []int{0, 1, 2, 10} {
		if fds[i].FD != want {
			t.Errorf("entry %d is fd %d, want %d (numeric order)", i, fds[i].FD, want)
		}
	}
	if err == nil || !errors.Is(err, proc.ErrParse) {
		t.Fatalf("error %v, want parse errors", err)
	}
	for _, want := range []string{"1/fdinfo/1: line 1: pos", "1/net/tcp: line 3: local_address"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q is more than one line", err)
	}
	if strings.Contains(err.Error(), "fdinfo/2") {
		t.Errorf("a missing fdinfo (fd closed) is not an error: %v", err)
	}
	if fds[0].Info == nil || fds[0].Inode != 7 || fds[0].Mode != ReadOnly {
		t.Errorf("fd 0: %+v", fds[0])
	}
	if fds[1].Info != nil || fds[1].Socket == nil || fds[1].Socket.Path != "/run/x y" {
		t.Errorf("fd 1: info %+v socket %+v; want no info, unix socket /run/x y", fds[1].Info, fds[1].Socket)
	}
	if fds[2].Info != nil || !fds[2].Deleted || fds[2].Path != "/b" || fds[2].Mode != ModeUnknown {
		t.Errorf("fd 2: %+v", fds[2])
	}
	if fds[3].Mode != WriteOnly || fds[3].Inode != 3 {
		t.Errorf("fd 10: %+v", fds[3])
	}
}

func TestListErrors(t *testing.T) {
	fsys := proc.New(fstest.MapFS{"1/stat": {Data: []byte("1 (x) S")}})
	if _, err := List(fsys.Process(1), nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("List without fd dir: %v, want fs.ErrNotExist", err)
	}
	if _, err := List(fsys.Process(2), nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("List of missing pid: %v, want fs.ErrNotExist", err)
	}
	if _, err := Count(fsys.Process(2)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Count of missing pid: %v, want fs.ErrNotExist", err)
	}
}

// exitedFS is a process tree whose process 1 exits right after its fd
// directory was read: the entries are listed, then nothing exists.
type exitedFS struct{ fstest.MapFS }

func (e exitedFS) ReadDir(name string) ([]fs.DirEntry, error) { return e.MapFS.ReadDir(name) }

func (e exitedFS) ReadLink(name string) (string, error) {
	return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrNotExist}
}

func (e exitedFS) Lstat(name string) (fs.FileInfo, error) {
	return nil, &fs.PathError{Op: "lstat", Path: name, Err: fs.ErrNotExist}
}

// TestListExitMidway: a process that exits between reading its fd
// directory and its links is reported gone, not as an empty list.
func TestListExitMidway(t *testing.T) {
	fsys := proc.New(exitedFS{fstest.MapFS{"1/fd/0": link("/a", 0o400), "1/fd/1": link("/b", 0o200)}})
	fds, err := List(fsys.Process(1), nil)
	if !errors.Is(err, fs.ErrNotExist) || fds != nil {
		t.Errorf("List = %v, %v; want nil, fs.ErrNotExist", fds, err)
	}
}

// readCountFS counts the reads of each file.
type readCountFS struct {
	fstest.MapFS
	reads map[string]int
}

func (c readCountFS) ReadFile(name string) ([]byte, error) {
	c.reads[name]++
	return c.MapFS.ReadFile(name)
}

func (c readCountFS) Open(name string) (fs.File, error) {
	c.reads[name]++
	return c.MapFS.Open(name)
}

// TestListSharedSocketTables: two processes in one network namespace,
// listed with one SocketCache, read each table of the namespace at most
// once, and only the tables up to the last socket's.
func TestListSharedSocketTables(t *testing.T) {
	lo := netip.MustParseAddrPort
	tr := proctest.Tree{Processes: []proctest.Process{
		{PID: 1, FDs: []proctest.FD{proctest.TCP(3, lo("127.0.0.1:80"), netip.AddrPort{}, proctest.TCPListen)}},
		{PID: 2, FDs: []proctest.FD{proctest.UDP(3, lo("127.0.0.1:53"), netip.AddrPort{})}},
	}}
	m, err := tr.MapFS()
	if err != nil {
		t.Fatal(err)
	}
	c := readCountFS{MapFS: m, reads: map[string]int{}}
	fsys := proc.New(c)
	cache := NewSocketCache()
	for pid, want := range map[int]string{1: "127.0.0.1:80", 2: "127.0.0.1:53"} {
		fds, err := List(fsys.Process(pid), &Options{Sockets: cache})
		if err != nil || len(fds) != 1 || fds[0].Socket == nil || fds[0].Socket.LocalAddr() != want {
			t.Fatalf("List(%d) = %+v, %v; want one socket on %s", pid, fds, err, want)
		}
	}
	per := map[string]int{}
	for name, n := range c.reads {
		if table, ok := strings.CutPrefix(name[1:], "/net/"); ok {
			per[table] += n
		}
	}
	if want := map[string]int{"tcp": 1, "tcp6": 1, "udp": 1}; !maps.Equal(per, want) {
		t.Errorf("net tables read %v, want %v", per, want)
	}
}
