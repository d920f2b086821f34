package fd

import (
	"errors"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/procscope/procscope/proc"
)

var cmpAddr = cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

func TestParseNet(t *testing.T) {
	const tcpHdr = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	const tcp6Hdr = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	tests := []struct {
		name, table, in string
		want            []SocketInfo
	}{
		{
			name: "tcp listen and established", table: "tcp",
			in: tcpHdr +
				"   0: 0100007F:A801 00000000:0000 0A 00000000:00000001 00:00000000 00000000     0        0 8276 3 000000000860aadb 100 0 0 10 0\n" +
				"   2: 0100007F:D1D4 0100007F:A801 01 0000000A:00000000 02:0000058F 00000000  1000        0 8281 2 000000006ddac1fc 20 0 0 10 -1\n",
			want: []SocketInfo{
				{Proto: "tcp", Inode: 8276, Local: ap("127.0.0.1:43009"), Remote: ap("0.0.0.0:0"), State: 10, RxQueue: 1},
				{Proto: "tcp", Inode: 8281, Local: ap("127.0.0.1:53716"), Remote: ap("127.0.0.1:43009"), State: 1, TxQueue: 10, UID: 1000},
			},
		},
		{
			name: "tcp6 byte order", table: "tcp6",
			in: tcp6Hdr +
				"   0: 00000000000000000000000001000000:B623 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 8282 2 000000004f58b578 100 0 0 10 0\n" +
				"   1: B80D0120000000000000000001000000:0050 0000000000000000FFFF00000100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 9 2 0 100 0 0 10 0\n",
			want: []SocketInfo{
				{Proto: "tcp6", Inode: 8282, Local: ap("[::1]:46627"), Remote: ap("[::]:0"), State: 10},
				{Proto: "tcp6", Inode: 9, Local: ap("[2001:db8::1]:80"), Remote: ap("[::ffff:127.0.0.1]:8080"), State: 1},
			},
		},
		{
			name: "udp with drops column", table: "udp",
			in: "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n" +
				"  174: 0100007F:C57E 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 8284 2 00000000dde33e87 0\n",
			want: []SocketInfo{{Proto: "udp", Inode: 8284, Local: ap("127.0.0.1:50558"), Remote: ap("0.0.0.0:0"), State: 7}},
		},
		{
			name: "raw", table: "raw",
			in: "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n" +
				"  1: 00000000:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 8289 2 00000000dde33e87 0\n",
			want: []SocketInfo{{Proto: "raw", Inode: 8289, Local: ap("0.0.0.0:1"), Remote: ap("0.0.0.0:0"), State: 7}},
		},
		{
			name: "unix paths: none, blanks, abstract, non-UTF-8, newline", table: "unix",
			in: "Num       RefCount Protocol Flags    Type St Inode Path\n" +
				"0000000077dd1e9a: 00000003 00000000 00000000 0001 03  1458\n" +
				"00000000599a39d1: 00000002 00000000 00010000 0001 01  8285 /tmp/my  sock \n" +
				"00000000731d1969: 00000002 00000000 00010000 0005 01  8286 @abs sock\n" +
				"00000000731d1969: 00000002 00000000 00000000 0002 01  8287 /tmp/\xff\xfe\n" +
				"00000000731d1969: 00000002 00000000 00000000 0002 01  8288 /tmp/a\n" +
				"b: c\n",
			want: []SocketInfo{
				{Proto: "unix", Inode: 1458, UnixType: 1, UnixState: 3},
				{Proto: "unix", Inode: 8285, UnixType: 1, UnixState: 1, UnixFlags: 0x10000, Path: "/tmp/my  sock "},
				{Proto: "unix", Inode: 8286, UnixType: 5, UnixState: 1, UnixFlags: 0x10000, Path: "@abs sock"},
				{Proto: "unix", Inode: 8287, UnixType: 2, UnixState: 1, Path: "/tmp/\xff\xfe"},
				{Proto: "unix", Inode: 8288, UnixType: 2, UnixState: 1, Path: "/tmp/a\nb: c"},
			},
		},
		{
			name: "packet", table: "packet",
			in: "sk               RefCnt Type Proto  Iface R Rmem   User   Inode\n" +
				"0000000002e95004 2      3    0003   2     1 0      1000   8287  \n",
			want: []SocketInfo{{Proto: "packet", Inode: 8287, PacketType: 3, Protocol: 3, Iface: 2, UID: 1000}},
		},
		{
			name: "netlink", table: "netlink",
			in: "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n" +
				"0000000078859dbb 0   4294967295 00000011 0        0        0     2        0        4       \n",
			want: []SocketInfo{{Proto: "netlink", Inode: 4, PortID: 4294967295, Groups: 0x11}},
		},
		{name: "header only", table: "tcp", in: tcpHdr, want: []SocketInfo{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseNet(tt.table, []byte(tt.in))
			if err != nil {
				t.Fatalf("ParseNet: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmpAddr); diff != "" {
				t.Errorf("ParseNet mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseNetErrors(t *testing.T) {
	const hdr = "header\n"
	tests := []struct {
		name, table, in, wantMsg string
	}{
		{"empty", "tcp", "", "line 1: missing header"},
		{"unknown table", "sctp", hdr, `table "sctp"`},
		{"short line", "tcp", hdr + "   0: 0100007F:A801\n", "line 2: rem_address: too few fields"},
		{"bad address", "tcp", hdr + "   0: 0100007G:A801 00000000:0000 0A 0:0 0:0 0 0 0 1\n", `line 2: local_address "0100007G:A801"`},
		{"bad address length", "tcp6", hdr + "   0: 0100:A801 00000000:0000 0A 0:0 0:0 0 0 0 1\n", `line 2: local_address`},
		{"bad port", "udp", hdr + "   0: 0100007F:1A801 00000000:0000 0A 0:0 0:0 0 0 0 1\n", `line 2: local_address`},
		{"bad inode", "tcp", hdr + "   0: 0100007F:A801 00000000:0000 0A 0:0 0:0 0 0 0 x\n", `line 2: inode "x"`},
		{"no sl colon", "tcp", hdr + "   0 0100007F:A801 00000000:0000 0A 0:0 0:0 0 0 0 1\n", `line 2: sl "0"`},
		{"unix bad inode", "unix", hdr + "0000000077dd1e9a: 00000003 00000000 00000000 0001 03 x\n", `line 2: Inode "x"`},
		{"unix first line not entry", "unix", hdr + "garbage\n", `line 2: Num "garbage"`},
		{"packet bad proto", "packet", hdr + "0 2 3 zz 0 0 0 0 1\n", `line 2: Proto "zz"`},
		{"netlink bad groups", "netlink", hdr + "0 0 1 zz 0 0 0 2 0 4\n", `line 2: Groups "zz"`},
		{"netlink short", "netlink", hdr + "0 0 1 0 0 0 0 2 0\n", "line 2: Inode: too few fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseNet(tt.table, []byte(tt.in))
			if err == nil {
				t.Fatalf("ParseNet = %+v, nil; want error", got)
			}
			if got != nil {
				t.Errorf("ParseNet returned %d sockets with an error", len(got))
			}
			if !errors.Is(err, proc.ErrParse) {
				t.Errorf("error %v does not match proc.ErrParse", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tt.wantMsg)
			}
		})
	}
}

// TestParseNetFiles parses every table captured from a live process.
func TestParseNetFiles(t *testing.T) {
	for _, table := range netTables {
		t.Run(table, func(t *testing.T) {
			b, err := os.ReadFile("testdata/net/" + table)
			if err != nil {
				t.Fatal(err)
			}
			socks, err := ParseNet(table, b)
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.Count(string(b), "\n") - 1; len(socks) != want {
				t.Errorf("%d sockets, want %d (one per line)", len(socks), want)
			}
			for _, s := range socks {
				if s.Proto != table {
					t.Errorf("Proto = %q, want %q", s.Proto, table)
				}
			}
		})
	}
}

func TestStateName(t *testing.T) {
	tests := []struct {
		s    SocketInfo
		want string
	}{
		{SocketInfo{Proto: "tcp", State: 10}, "LISTEN"},
		{SocketInfo{Proto: "tcp6", State: 1}, "ESTABLISHED"},
		{SocketInfo{Proto: "tcp", State: 6}, "TIME_WAIT"},
		{SocketInfo{Proto: "tcp", State: 99}, "STATE_99"},
		{SocketInfo{Proto: "udp", State: 7}, "UNCONN"},
		{SocketInfo{Proto: "udp6", State: 1}, "ESTABLISHED"},
		{SocketInfo{Proto: "unix", UnixState: 1, UnixFlags: 0x10000}, "LISTEN"},
		{SocketInfo{Proto: "unix", UnixState: 3}, "ESTABLISHED"},
		{SocketInfo{Proto: "unix", UnixState: 1}, "UNCONN"},
		{SocketInfo{Proto: "packet"}, ""},
	}
	for _, tt := range tests {
		if got := tt.s.StateName(); got != tt.want {
			t.Errorf("%+v.StateName() = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestName(t *testing.T) {
	tests := []struct {
		f    FD
		want string
	}{
		{FD{Type: File, Target: "/x (deleted)"}, "/x (deleted)"},
		{FD{Type: Socket, Target: "socket:[5]"}, "socket:[5]"},
		{FD{Type: Socket, Socket: &SocketInfo{Proto: "tcp", Local: ap("127.0.0.1:8080"), Remote: ap("127.0.0.1:51234"), State: 1}},
			"TCP 127.0.0.1:8080->127.0.0.1:51234 (ESTABLISHED)"},
		{FD{Type: Socket, Socket: &SocketInfo{Proto: "tcp6", Local: ap("[::1]:80"), Remote: ap("[::]:0"), State: 10}},
			"TCP [::1]:80 (LISTEN)"},
		{FD{Type: Socket, Socket: &SocketInfo{Proto: "udp", Local: ap("0.0.0.0:53"), Remote: ap("0.0.0.0:0"), State: 7}},
			"UDP 0.0.0.0:53"},
		{FD{Type: Socket, Socket: &SocketInfo{Proto: "unix", Path: "/run/a b", UnixType: 1, UnixState: 1, UnixFlags: 0x10000}},
			"UNIX /run/a b type=STREAM (LISTEN)"},
		{FD{Type: Socket, Socket: &SocketInfo{Proto: "unix", Inode: 7, UnixType: 2, UnixState: 3}},
			"UNIX socket:[7] type=DGRAM (ESTABLISHED)"},
		{FD{Type: Socket, Socket: &SocketInfo{Proto: "netlink", PortID: 42}}, "NETLINK proto=0 port=42"},
		{FD{Type: Socket, Socket: &SocketInfo{Proto: "packet", Protocol: 0x0800, Iface: 2}}, "PACKET iface=2 proto=0x0800"},
	}
	for _, tt := range tests {
		if got := tt.f.Name(); got != tt.want {
			t.Errorf("Name() = %q, want %q", got, tt.want)
		}
	}
}
