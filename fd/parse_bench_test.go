package fd

import (
	"fmt"
	"strings"
	"testing"
)

// tcpTable builds a /proc/net/tcp with n established sockets.
func tcpTable(n int) []byte {
	var b strings.Builder
	b.WriteString("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n")
	for i := range n {
		fmt.Fprintf(&b, "%4d: 0100007F:%04X 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 %d 2 0000000000000000 20 4 30 10 -1\n",
			i, 10000+i%50000, 100000+i)
	}
	return []byte(b.String())
}

func BenchmarkParseNetTCP(b *testing.B) {
	data := tcpTable(8000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if s, err := ParseNet("tcp", data); err != nil || len(s) != 8000 {
			b.Fatal(len(s), err)
		}
	}
}

func BenchmarkParseInfo(b *testing.B) {
	data := []byte("pos:\t0\nflags:\t02004002\nmnt_id:\t17\nino:\t1038\neventfd-count:                0\neventfd-id: 2\neventfd-semaphore: 0\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseInfo(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseTarget(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ParseTarget("socket:[123456]")
		ParseTarget("/var/lib/etcd/member/snap/db")
	}
}
