package fd

import (
	"bytes"
	"errors"
	"net/netip"
	"strconv"

	"github.com/procscope/procscope/internal/num"
	"github.com/procscope/procscope/proc"
)

// The net tables are parsed here rather than with procfs (v0.23.0): its
// FS.NetTCP/NetUDP/NetUNIX read only ROOT/net/*, the reader's own network
// namespace, never PID/net/*, and only from a directory path (not an fs.FS);
// its unix parser keeps just the first blank-separated word of a path; it
// has no raw, packet or netlink parser; and its udp line parser indexes
// field 12 without checking the field count.

// netTables lists the per-namespace socket tables that [List] (through a
// [SocketCache]) reads from /proc/PID/net, in the order they are read.
var netTables = []string{"tcp", "tcp6", "udp", "udp6", "raw", "raw6", "unix", "packet", "netlink"}

// SocketInfo is one line of a /proc/PID/net table: the kernel's view of a socket
// in one network namespace. Which fields are set depends on Proto.
type SocketInfo struct {
	Proto string // the table: tcp, tcp6, udp, udp6, raw, raw6, unix, packet or netlink
	Inode uint64 // the socket inode, as in the fd link "socket:[N]"

	// tcp, udp, raw (and their 6 variants).
	Local, Remote    netip.AddrPort // raw sockets carry the IP protocol number in the local port
	State            uint8          // st: the TCP state number (TCP_ESTABLISHED=1 ... TCP_LISTEN=10); for udp and raw 7 means unconnected
	TxQueue, RxQueue uint64
	UID              uint32

	// unix.
	Path      string // bound path, "@name" for an abstract socket, "" when unbound; bytes kept exactly
	UnixType  uint16 // 1 SOCK_STREAM, 2 SOCK_DGRAM, 5 SOCK_SEQPACKET
	UnixState uint8  // 1 unconnected, 2 connecting, 3 connected, 4 disconnecting
	UnixFlags uint32 // 0x10000 (__SO_ACCEPTCON) for a listening socket

	// packet: Proto is the ethertype; Iface the interface index (0 for all).
	// netlink: Proto is the netlink family; PortID the port id; Groups the
	// multicast group mask.
	PacketType uint16
	Protocol   uint16
	Iface      int
	PortID     uint32
	Groups     uint32
}

var tcpStates = [...]string{
	1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1", 5: "FIN_WAIT2",
	6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT", 9: "LAST_ACK", 10: "LISTEN",
	11: "CLOSING", 12: "NEW_SYN_RECV", 13: "BOUND_INACTIVE",
}

// StateName returns the socket's state by name: TCP state names for tcp
// (LISTEN, ESTABLISHED, ...); UNCONN or ESTABLISHED for udp and raw;
// LISTEN, UNCONN, CONNECTING, ESTABLISHED or DISCONNECTING for unix; "" for
// packet and netlink, which have no state. An unknown number prints as
// "STATE_N".
func (s SocketInfo) StateName() string {
	switch s.Proto {
	case "tcp", "tcp6":
		if int(s.State) < len(tcpStates) && tcpStates[s.State] != "" {
			return tcpStates[s.State]
		}
	case "udp", "udp6", "raw", "raw6":
		switch s.State {
		case 7:
			return "UNCONN"
		case 1:
			return "ESTABLISHED"
		}
	case "unix":
		if s.UnixFlags&0x10000 != 0 {
			return "LISTEN"
		}
		switch s.UnixState {
		case 1:
			return "UNCONN"
		case 2:
			return "CONNECTING"
		case 3:
			return "ESTABLISHED"
		case 4:
			return "DISCONNECTING"
		}
		return "STATE_" + strconv.Itoa(int(s.UnixState))
	default:
		return ""
	}
	return "STATE_" + strconv.Itoa(int(s.State))
}

// UnixTypeName returns "STREAM", "DGRAM", "SEQPACKET" or "TYPE_N".
func (s SocketInfo) UnixTypeName() string {
	switch s.UnixType {
	case 1:
		return "STREAM"
	case 2:
		return "DGRAM"
	case 5:
		return "SEQPACKET"
	}
	return "TYPE_" + strconv.Itoa(int(s.UnixType))
}

// LocalAddr returns the local address as text: "ip:port" or "[ip6]:port"
// for inet sockets, the path for unix sockets, "iface=N proto=0xXXXX" for
// packet sockets and the port id for netlink sockets.
func (s SocketInfo) LocalAddr() string {
	switch s.Proto {
	case "unix":
		return s.Path
	case "packet":
		return "iface=" + strconv.Itoa(s.Iface) + " proto=0x" + hex4(s.Protocol)
	case "netlink":
		return strconv.FormatUint(uint64(s.PortID), 10)
	}
	if !s.Local.IsValid() {
		return ""
	}
	return s.Local.String()
}

// RemoteAddr returns the remote address of an inet socket as "ip:port" or
// "[ip6]:port"; "" for other sockets.
func (s SocketInfo) RemoteAddr() string {
	if !s.Remote.IsValid() {
		return ""
	}
	return s.Remote.String()
}

func hex4(v uint16) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[v>>12], digits[v>>8&15], digits[v>>4&15], digits[v&15]})
}

var (
	errHeader = errors.New("missing header line")
	errShort  = errors.New("too few fields")
	errTable  = errors.New("unknown net table")
)

// ParseNet parses the contents of /proc/PID/net/TABLE, where table is one
// of tcp, tcp6, udp, udp6, raw, raw6, unix, packet and netlink (the tables
// [List] reads, through a [SocketCache]); any other table is an error
// matching [proc.ErrParse]. A returned error is a [*proc.ParseError] whose Field names
// the line and column; the Path is empty.
func ParseNet(table string, b []byte) ([]SocketInfo, error) {
	var parse func(line []byte) (SocketInfo, error)
	switch table {
	case "tcp", "tcp6", "udp", "udp6", "raw", "raw6":
		parse = parseInetLine
	case "unix":
		return parseUnix(b)
	case "packet":
		parse = parsePacketLine
	case "netlink":
		parse = parseNetlinkLine
	default:
		return nil, &proc.ParseError{Field: "table", Value: table, Err: errTable}
	}
	_, b, ok := cutLine(b)
	if !ok {
		return nil, &proc.ParseError{Field: "line 1", Err: errHeader}
	}
	socks := make([]SocketInfo, 0, bytes.Count(b, []byte{'\n'})+1)
	for lineNo := 2; len(b) > 0; lineNo++ {
		var line []byte
		line, b, _ = cutLine(b)
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		s, err := parse(line)
		if err != nil {
			return nil, lineErr(err, lineNo)
		}
		s.Proto = table
		socks = append(socks, s)
	}
	return socks, nil
}

func lineErr(err error, lineNo int) error {
	var pe *proc.ParseError
	if errors.As(err, &pe) {
		pe.Field = "line " + strconv.Itoa(lineNo) + ": " + pe.Field
	}
	return err
}

func cutLine(b []byte) (line, rest []byte, ok bool) {
	if len(b) == 0 {
		return nil, nil, false
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i], b[i+1:], true
	}
	return b, nil, true
}

// fieldScanner walks blank-separated fields of a line without allocating.
// Its typed readers keep the first error, so a line parser reads its fields
// in turn and checks err once at the end.
type fieldScanner struct {
	b   []byte
	err error
}

// field returns the next field, or nil once an error was recorded.
func (f *fieldScanner) field() []byte {
	if f.err != nil {
		return nil
	}
	return f.next()
}

// skip passes over n fields the parser does not keep.
func (f *fieldScanner) skip(n int) {
	for range n {
		f.next()
	}
}

// seq reads a leading sequence field such as "12:" (sl, Num).
func (f *fieldScanner) seq(name string) {
	v := f.field()
	f.check(len(v) >= 2 && v[len(v)-1] == ':', name, v)
}

// present reads a field that must not be empty (sk).
func (f *fieldScanner) present(name string) {
	v := f.field()
	f.check(len(v) > 0, name, v)
}

// hex, dec and decSigned read a number of at most bits bits.
func (f *fieldScanner) hex(name string, bits int) uint64 {
	v := f.field()
	n, ok := num.Hex(v, bits)
	f.check(ok, name, v)
	return n
}

func (f *fieldScanner) dec(name string, bits int) uint64 {
	v := f.field()
	n, ok := num.UintN(v, bits)
	f.check(ok, name, v)
	return n
}

func (f *fieldScanner) decSigned(name string, bits int) int64 {
	v := f.field()
	n, ok := num.IntN(v, bits)
	f.check(ok, name, v)
	return n
}

// addr reads a "HEXIP:HEXPORT" field.
func (f *fieldScanner) addr(name string) netip.AddrPort {
	v := f.field()
	a, ok := parseAddr(v)
	f.check(ok, name, v)
	return a
}

// check records the first failure: the field name with its value. The
// failure path is out of line so that check inlines.
func (f *fieldScanner) check(ok bool, name string, value []byte) {
	if !ok && f.err == nil {
		f.fail(name, value)
	}
}

func (f *fieldScanner) fail(name string, value []byte) { f.err = colErr(name, value) }

func (f *fieldScanner) next() []byte {
	b := f.b
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	j := i
	for j < len(b) && b[j] != ' ' && b[j] != '\t' {
		j++
	}
	f.b = b[j:]
	return b[i:j]
}

func colErr(field string, value []byte) error {
	if len(value) == 0 {
		return &proc.ParseError{Field: field, Err: errShort}
	}
	return &proc.ParseError{Field: field, Value: string(value), Err: errSyntax}
}

// parseAddr decodes "HEXIP:HEXPORT". The kernel prints an IPv4 address as
// one 32-bit word and an IPv6 address as four, each in host byte order
// (little-endian on amd64 and arm64), so each word's bytes are reversed.
func parseAddr(b []byte) (netip.AddrPort, bool) {
	i := bytes.IndexByte(b, ':')
	if i < 0 {
		return netip.AddrPort{}, false
	}
	h, p := b[:i], b[i+1:]
	port, ok := num.Hex(p, 16)
	if !ok {
		return netip.AddrPort{}, false
	}
	switch len(h) {
	case 8:
		w, ok := num.Hex(h, 32)
		if !ok {
			return netip.AddrPort{}, false
		}
		a := [4]byte{byte(w), byte(w >> 8), byte(w >> 16), byte(w >> 24)}
		return netip.AddrPortFrom(netip.AddrFrom4(a), uint16(port)), true
	case 32:
		var a [16]byte
		for k := 0; k < 4; k++ {
			w, ok := num.Hex(h[k*8:k*8+8], 32)
			if !ok {
				return netip.AddrPort{}, false
			}
			a[k*4], a[k*4+1], a[k*4+2], a[k*4+3] = byte(w), byte(w>>8), byte(w>>16), byte(w>>24)
		}
		return netip.AddrPortFrom(netip.AddrFrom16(a), uint16(port)), true
	}
	return netip.AddrPort{}, false
}

// parseInetLine parses a tcp/udp/raw line:
// "sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...".
func parseInetLine(line []byte) (SocketInfo, error) {
	var s SocketInfo
	f := fieldScanner{b: line}
	f.seq("sl")
	s.Local = f.addr("local_address")
	s.Remote = f.addr("rem_address")
	s.State = uint8(f.hex("st", 8))
	v := f.field()
	tx, rx, _ := bytes.Cut(v, []byte{':'})
	var okTx, okRx bool
	s.TxQueue, okTx = num.Hex(tx, 64)
	s.RxQueue, okRx = num.Hex(rx, 64)
	f.check(okTx && okRx, "tx_queue:rx_queue", v)
	f.skip(2) // tr:tm->when retrnsmt
	s.UID = uint32(f.dec("uid", 32))
	f.skip(1) // timeout
	s.Inode = f.dec("inode", 64)
	if f.err != nil {
		return SocketInfo{}, f.err
	}
	return s, nil
}

// parsePacketLine parses "sk RefCnt Type Proto Iface R Rmem User Inode".
func parsePacketLine(line []byte) (SocketInfo, error) {
	var s SocketInfo
	f := fieldScanner{b: line}
	f.present("sk")
	f.skip(1) // RefCnt
	s.PacketType = uint16(f.dec("Type", 16))
	s.Protocol = uint16(f.hex("Proto", 16))
	s.Iface = int(f.decSigned("Iface", 32))
	f.skip(2) // R Rmem
	s.UID = uint32(f.dec("User", 32))
	s.Inode = f.dec("Inode", 64)
	if f.err != nil {
		return SocketInfo{}, f.err
	}
	return s, nil
}

// parseNetlinkLine parses "sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode".
func parseNetlinkLine(line []byte) (SocketInfo, error) {
	var s SocketInfo
	f := fieldScanner{b: line}
	f.present("sk")
	s.Protocol = uint16(f.dec("Eth", 16))
	s.PortID = uint32(f.dec("Pid", 32))
	s.Groups = uint32(f.hex("Groups", 32))
	f.skip(5) // Rmem Wmem Dump Locks Drops
	s.Inode = f.dec("Inode", 64)
	if f.err != nil {
		return SocketInfo{}, f.err
	}
	return s, nil
}

// parseUnix parses /proc/PID/net/unix:
// "Num: RefCount Protocol Flags Type St Inode Path". The path is everything
// after the single blank that follows the inode, so blanks in it survive.
// The kernel does not escape a newline in a path; a line that does not
// parse as an entry continues the previous entry's path.
func parseUnix(b []byte) ([]SocketInfo, error) {
	_, b, ok := cutLine(b)
	if !ok {
		return nil, &proc.ParseError{Field: "line 1", Err: errHeader}
	}
	socks := make([]SocketInfo, 0, bytes.Count(b, []byte{'\n'})+1)
	for lineNo := 2; len(b) > 0; lineNo++ {
		var line []byte
		line, b, _ = cutLine(b)
		if len(line) == 0 {
			continue
		}
		s, err := parseUnixLine(line)
		if err != nil {
			if n := len(socks); n > 0 && socks[n-1].Path != "" {
				socks[n-1].Path += "\n" + string(line)
				continue
			}
			return nil, lineErr(err, lineNo)
		}
		socks = append(socks, s)
	}
	return socks, nil
}

func parseUnixLine(line []byte) (SocketInfo, error) {
	s := SocketInfo{Proto: "unix"}
	f := fieldScanner{b: line}
	f.seq("Num")
	f.skip(2) // RefCount Protocol
	s.UnixFlags = uint32(f.hex("Flags", 32))
	s.UnixType = uint16(f.hex("Type", 16))
	s.UnixState = uint8(f.hex("St", 8))
	s.Inode = f.dec("Inode", 64)
	if f.err != nil {
		return SocketInfo{}, f.err
	}
	if rest := f.b; len(rest) > 1 && rest[0] == ' ' {
		s.Path = string(rest[1:])
	}
	return s, nil
}
