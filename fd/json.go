package fd

import (
	"strings"
	"unicode/utf8"

	"github.com/procscope/procscope/proc"
)

// Entry is the JSON form of an [FD], the objects lsfd -json prints and
// inspect -json puts under its "fds" key. Build it with [NewEntry] or
// [Entries].
//
// Fields that come from fdinfo (flags, pos, mnt_id) are null when fdinfo
// was not read or could not be read. Socket is present only for sockets;
// for a socket not found in its namespace's tables (an unbound netlink
// socket, a family without a table such as vsock or AF_ALG) it is present
// with empty fields, except proto, which is [FD.Protocol] in lower case
// ("netlink") when that is known.
// encoding/json replaces bytes that are not UTF-8; when Target is not valid
// UTF-8, TargetBytes carries the exact bytes (base64 in JSON).
type Entry struct {
	FD          int          `json:"fd"`
	Type        string       `json:"type"`    // file, socket, pipe, anon_inode or other
	Subtype     string       `json:"subtype"` // eventfd, memfd, directory, ...; "" when unknown
	Target      string       `json:"target"`  // the raw link target
	TargetBytes []byte       `json:"target_bytes,omitempty"`
	Path        string       `json:"path"` // for files, without " (deleted)"
	Deleted     bool         `json:"deleted"`
	Inode       uint64       `json:"inode"`
	Mode        string       `json:"mode"`   // r, w or u ("?" for an O_PATH fd, open for neither)
	Flags       *uint32      `json:"flags"`  // fdinfo flags, every bit kept
	Pos         *int64       `json:"pos"`    // fdinfo pos
	MntID       *int         `json:"mnt_id"` // fdinfo mnt_id
	Socket      *SocketEntry `json:"socket,omitempty"`
}

// SocketEntry is the JSON form of a resolved socket. Local and Remote are
// "ip:port" or "[ip6]:port" for inet sockets; Local is the path for unix
// sockets ("@name" when abstract); State is a name such as LISTEN or
// ESTABLISHED ("" for packet and netlink sockets).
type SocketEntry struct {
	Proto  string `json:"proto"`
	Local  string `json:"local"`
	Remote string `json:"remote"`
	State  string `json:"state"`
}

// NewEntry converts f to its JSON form.
func NewEntry(f FD) Entry {
	e := Entry{
		FD: f.FD, Type: f.Type.String(), Subtype: f.Subtype, Target: f.Target,
		Path: f.Path, Deleted: f.Deleted, Inode: f.Inode, Mode: f.Mode.String(),
	}
	if !utf8.ValidString(f.Target) {
		e.TargetBytes = []byte(f.Target)
	}
	if f.Info != nil {
		flags, pos, mnt := uint32(f.Info.Flags), f.Info.Pos, f.Info.MntID
		e.Flags, e.Pos, e.MntID = &flags, &pos, &mnt
	}
	if f.Type == Socket {
		e.Socket = &SocketEntry{}
		if s := f.Socket; s != nil {
			*e.Socket = SocketEntry{Proto: s.Proto, Local: s.LocalAddr(), Remote: s.RemoteAddr(), State: s.StateName()}
		} else {
			e.Socket.Proto = strings.ToLower(f.Protocol)
		}
	}
	return e
}

// Entries converts a listing to its JSON form; the result is never nil, so
// an empty listing encodes as [].
func Entries(fds []FD) []Entry {
	es := make([]Entry, 0, len(fds))
	for _, f := range fds {
		es = append(es, NewEntry(f))
	}
	return es
}

// JSONOptions are the [Options] lsfd -json uses and inspect's "fds" key
// should use: fdinfo read, files stat'ed, sockets resolved.
func JSONOptions() *Options { return &Options{Info: true, Stat: true} }

// ListEntries lists p's fds with [JSONOptions] and converts them with
// [Entries]: the value of lsfd -json and of inspect -json's "fds" key. Like
// [List], it returns the entries it could read together with the error of
// the parts it could not; the entries are nil only when the fd directory
// itself could not be read.
func ListEntries(p proc.Process) ([]Entry, error) {
	fds, err := List(p, JSONOptions())
	if fds == nil && err != nil {
		return nil, err
	}
	return Entries(fds), err
}
