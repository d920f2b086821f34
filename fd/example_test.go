package fd_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/procscope/procscope/fd"
	"github.com/procscope/procscope/proc"
)

func ExampleParseInfo() {
	in, err := fd.ParseInfo([]byte("pos:\t10\nflags:\t02102002\nmnt_id:\t27\nino:\t9977857\n"))
	if err != nil {
		panic(err)
	}
	fmt.Println(in.Pos, in.Flags, in.MntID, in.Ino, in.Flags.AccessMode())
	// Output: 10 O_RDWR|O_APPEND|O_LARGEFILE|O_CLOEXEC 27 9977857 u
}

func ExampleParseTarget() {
	for _, s := range []string{"/var/lib/db (deleted)", "socket:[8276]", "anon_inode:[eventfd]", "/memfd:cache (deleted)"} {
		t := fd.ParseTarget(s)
		fmt.Printf("%s %q %q deleted=%v inode=%d\n", t.Type, t.Subtype, t.Path, t.Deleted, t.Inode)
	}
	// Output:
	// file "" "/var/lib/db" deleted=true inode=0
	// socket "" "" deleted=false inode=8276
	// anon_inode "eventfd" "" deleted=false inode=0
	// file "memfd" "/memfd:cache" deleted=true inode=0
}

func ExampleParseNet() {
	socks, err := fd.ParseNet("tcp", []byte(
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"+
			"   0: 0100007F:1F90 0100007F:C822 01 00000000:00000000 00:00000000 00000000     0        0 8281 2 0 20 0 0 10 -1\n"))
	if err != nil {
		panic(err)
	}
	s := socks[0]
	fmt.Println(s.LocalAddr(), s.RemoteAddr(), s.StateName(), s.Inode)
	// Output: 127.0.0.1:8080 127.0.0.1:51234 ESTABLISHED 8281
}

// List the fds of this process with sockets resolved; the default options
// read one link (and its mode) per fd and no fdinfo.
func ExampleList() {
	fds, err := fd.List(proc.Default().Process(os.Getpid()), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range fds {
		fmt.Println(f.FD, f.Type, f.Mode, f.Name())
	}
}

// Who holds a file open, as fuser does, matched by device and inode.
func ExampleHolders() {
	res, err := fd.Holders(context.Background(), proc.Default(), "/var/log/syslog")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, h := range res.Holders {
		fmt.Println(h.PID, h.Comm, h.Access, h.FDs)
	}
	for _, f := range res.Failures {
		if !errors.Is(f, fs.ErrNotExist) { // exited during the scan: no news
			fmt.Println(f) // pid N: ...: permission denied, most often
		}
	}
}

// List a captured process (internal/fixtures/testdata/fd-kinds) with fdinfo
// read, and print its sockets and whether they are non-blocking: the tables come from the capture's own
// net/ directory, the process's network namespace.
func ExampleList_capture() {
	fsys, err := proc.NewDir("../internal/fixtures/testdata/fd-kinds")
	if err != nil {
		panic(err)
	}
	pids, err := fsys.PIDs()
	if err != nil {
		panic(err)
	}
	fds, err := fd.List(fsys.Process(pids[0]), &fd.Options{Info: true})
	if err != nil {
		panic(err)
	}
	for _, f := range fds {
		if f.Type == fd.Socket || f.Subtype == fd.SubMemfd {
			fmt.Println(f.FD, f.Mode, f.Info.Flags&fd.O_NONBLOCK != 0, f.Name())
		}
	}
	// Output:
	// 19 u false /memfd:test mem (deleted)
	// 21 u true TCP 127.0.0.1:34625 (LISTEN)
	// 22 u true TCP 127.0.0.1:35552->127.0.0.1:34625 (ESTABLISHED)
	// 23 u true TCP 127.0.0.1:34625->127.0.0.1:35552 (ESTABLISHED)
	// 24 u true UDP 127.0.0.1:57147
	// 25 u true UNIX /tmp/procscope-fd-fixture/unix sock type=STREAM (LISTEN)
	// 26 u false NETLINK proto=0 port=29048
}

// Who holds a captured file: the fd-kinds capture's regular file is open
// read-write (F) and mapped (m) by one process. A capture records the
// device and inode behind each link, so the file can be named by them.
func ExampleHoldersOf() {
	fsys, err := proc.NewDir("../internal/fixtures/testdata/fd-kinds")
	if err != nil {
		panic(err)
	}
	pids, err := fsys.PIDs()
	if err != nil {
		panic(err)
	}
	c, err := fsys.Capture()
	if err != nil {
		panic(err)
	}
	l := c.Links[fmt.Sprint(pids[0], "/fd/5")]
	res, err := fd.HoldersOf(context.Background(), fsys, fd.FileRef{Dev: l.Dev, Ino: l.Ino})
	if err != nil {
		panic(err)
	}
	for _, h := range res.Holders {
		fmt.Println(h.Comm, h.Access, h.FDs)
	}
	// Output: fd.test Fm [{5 u}]
}
