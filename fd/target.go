package fd

import (
	"strconv"
	"strings"
)

// Type is the coarse kind of an open file, decided from its link target.
type Type uint8

// The kinds of open file. Their String values are the "type" of lsfd's JSON.
const (
	Other     Type = iota // anything not recognised below ("other")
	File                  // a path in the file system, including memfds and devices ("file")
	Socket                // socket:[N] ("socket")
	Pipe                  // pipe:[N] ("pipe")
	AnonInode             // anon_inode:... (eventfd, epoll, timerfd, ...) ("anon_inode")
)

var typeNames = [...]string{"other", "file", "socket", "pipe", "anon_inode"}

// String returns "file", "socket", "pipe", "anon_inode" or "other".
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "type(" + strconv.Itoa(int(t)) + ")"
}

// Subtypes a [Target] or an [FD] can carry. Anonymous inodes keep the
// kernel's name (with the brackets removed) even when it is not listed here,
// e.g. "io_uring", "userfaultfd", "perf_event", "dmabuf", "kvm-vm".
const (
	SubEventfd   = "eventfd"
	SubEventpoll = "eventpoll"
	SubInotify   = "inotify"
	SubFanotify  = "fanotify"
	SubTimerfd   = "timerfd"
	SubSignalfd  = "signalfd"
	SubPidfd     = "pidfd"
	SubBPFMap    = "bpf-map"
	SubBPFProg   = "bpf-prog"
	SubBPFLink   = "bpf_link"
	SubMemfd     = "memfd"
	// From the file mode, known only when the file behind the link was
	// stat'ed (see [Options.Stat]).
	SubRegular   = "regular"
	SubDirectory = "directory"
	SubCharDev   = "char-device"
	SubBlockDev  = "block-device"
	SubFIFO      = "fifo"
	SubSocket    = "unix-socket-file" // a bound socket file opened with O_PATH
	SubSymlink   = "symlink"          // an O_PATH|O_NOFOLLOW open of a symlink
)

// Target is an fd link target (the text of readlink /proc/PID/fd/N)
// classified without any further system call.
type Target struct {
	Type    Type
	Subtype string // finer kind: eventfd, eventpoll, memfd, ...; "" when the text does not tell
	Path    string // for File: the path without the " (deleted)" suffix
	Deleted bool   // for File: the target ended in " (deleted)"; always true for a memfd
	Inode   uint64 // for socket:[N], pipe:[N] and other "name:[N]" targets: N; else 0
}

const deletedSuffix = " (deleted)"

// ParseTarget classifies a raw link target. It never fails: text it does
// not recognise is [Other] with the raw text left to the caller.
//
// A path is known to be deleted only from the kernel's " (deleted)" suffix,
// so a file whose real name ends in " (deleted)" is indistinguishable from a
// deleted one here; [Options.Stat] gives the link count to tell them apart.
func ParseTarget(s string) Target {
	if strings.HasPrefix(s, "/") {
		t := Target{Type: File, Path: s}
		if p, ok := strings.CutSuffix(s, deletedSuffix); ok {
			t.Path, t.Deleted = p, true
		}
		if strings.HasPrefix(t.Path, "/memfd:") {
			t.Subtype = SubMemfd
			t.Deleted = true // a memfd is never linked into a directory
		}
		return t
	}
	if rest, ok := strings.CutPrefix(s, "anon_inode:"); ok {
		// The kernel writes most names in brackets ([eventfd]) but some
		// without (inotify, bpf-map, bpf-prog).
		name := rest
		if len(name) >= 2 && name[0] == '[' && name[len(name)-1] == ']' {
			name = name[1 : len(name)-1]
		}
		return Target{Type: AnonInode, Subtype: name}
	}
	name, num, ok := strings.Cut(s, ":[")
	if ok && strings.HasSuffix(num, "]") {
		ino, err := strconv.ParseUint(num[:len(num)-1], 10, 64)
		if err == nil {
			switch name {
			case "socket":
				return Target{Type: Socket, Inode: ino}
			case "pipe":
				return Target{Type: Pipe, Inode: ino}
			}
			// Other pseudo file systems use the same "name:[ino]" form
			// (e.g. "net:[4026531840]" for a namespace file opened by
			// ip netns, "mnt:[...]").
			return Target{Type: Other, Subtype: name, Inode: ino}
		}
	}
	return Target{Type: Other}
}
