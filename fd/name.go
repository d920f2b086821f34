package fd

import (
	"strconv"
	"strings"
)

// Name returns the text lsfd prints in its NAME column: the raw target for
// files, pipes and anonymous inodes, and for a resolved socket its protocol
// and addresses in the style of lsof, such as
// "TCP 127.0.0.1:8080->127.0.0.1:51234 (ESTABLISHED)",
// "UDP [::1]:53", "UNIX /run/x.sock type=STREAM (LISTEN)". A socket not found
// in its namespace's tables prints its protocol as lsof does,
// "protocol: NETLINK" (see [FD.Protocol]), or else its raw target,
// socket:[N].
func (f FD) Name() string {
	s := f.Socket
	if f.Type == Socket && s == nil && f.Protocol != "" {
		return "protocol: " + f.Protocol
	}
	if f.Type != Socket || s == nil {
		return f.Target
	}
	var b strings.Builder
	proto := strings.ToUpper(strings.TrimSuffix(s.Proto, "6"))
	b.WriteString(proto)
	b.WriteByte(' ')
	switch s.Proto {
	case "unix":
		if s.Path == "" {
			b.WriteString("socket:[" + strconv.FormatUint(s.Inode, 10) + "]")
		} else {
			b.WriteString(s.Path)
		}
		b.WriteString(" type=" + s.UnixTypeName())
	case "packet":
		b.WriteString(s.LocalAddr())
	case "netlink":
		b.WriteString("proto=" + strconv.Itoa(int(s.Protocol)) + " port=" + s.LocalAddr())
	default:
		b.WriteString(s.LocalAddr())
		if r := s.Remote; r.IsValid() && (!r.Addr().IsUnspecified() || r.Port() != 0) {
			b.WriteString("->" + s.RemoteAddr())
		}
	}
	if st := s.StateName(); st != "" && st != "UNCONN" {
		b.WriteString(" (" + st + ")")
	}
	return b.String()
}
