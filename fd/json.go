package fd

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// fdJSON is the JSON form of an [FD]; see [FD.MarshalJSON].
type fdJSON struct {
	FD          int         `json:"fd"`
	Type        string      `json:"type"`
	Subtype     string      `json:"subtype"`
	Target      string      `json:"target"`
	TargetBytes []byte      `json:"target_bytes,omitempty"`
	Path        string      `json:"path"`
	Deleted     bool        `json:"deleted"`
	Inode       uint64      `json:"inode"`
	Mode        string      `json:"mode"`
	Flags       *uint32     `json:"flags"`
	Pos         *int64      `json:"pos"`
	MntID       *int        `json:"mnt_id"`
	Socket      *socketJSON `json:"socket,omitempty"`
}

// socketJSON is the JSON form of a socket's table entry.
type socketJSON struct {
	Proto  string `json:"proto"`
	Local  string `json:"local"`
	Remote string `json:"remote"`
	State  string `json:"state"`
}

// MarshalJSON encodes the fd as one object, the form examples/lsfd -json
// prints and examples/inspect -json puts under "fds":
//
//	fd, type (file, socket, pipe, anon_inode or other), subtype ("" when
//	unknown), target (the raw link target), path and deleted (for files,
//	the path without " (deleted)"), inode, mode (r, w, u, or "?" for an
//	O_PATH fd, open for neither), flags, pos and mnt_id (from fdinfo, every
//	flag bit kept; null when fdinfo was not read), and for a socket only,
//	socket: {proto, local, remote, state}.
//
// Local and Remote are "ip:port" or "[ip6]:port" for inet sockets; Local is
// the path for unix sockets ("@name" when abstract); State is a name such
// as LISTEN or ESTABLISHED ("" for packet and netlink sockets). A socket not
// found in its namespace's tables (an unbound netlink socket, a family
// without a table such as vsock or AF_ALG) has empty fields, except proto,
// which is [FD.Protocol] in lower case ("netlink") when that is known.
// encoding/json replaces bytes that are not UTF-8; when the target is not
// valid UTF-8, target_bytes carries its exact bytes (base64).
//
// To get every field filled, list with [Options] Info and Stat set. There
// is no UnmarshalJSON: decode into a struct of your own. HTML escaping is
// left to the encoder that calls MarshalJSON.
func (f FD) MarshalJSON() ([]byte, error) {
	e := fdJSON{
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
		e.Socket = &socketJSON{}
		if s := f.Socket; s != nil {
			*e.Socket = socketJSON{Proto: s.Proto, Local: s.LocalAddr(), Remote: s.RemoteAddr(), State: s.StateName()}
		} else {
			e.Socket.Proto = strings.ToLower(f.Protocol)
		}
	}
	// The caller's encoder applies its own HTML escaping setting to what
	// MarshalJSON returns.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
