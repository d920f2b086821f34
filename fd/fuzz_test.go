package fd

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func seedFiles(f *testing.F, glob string) {
	files, _ := filepath.Glob(glob)
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzParseInfo(f *testing.F) {
	seedFiles(f, "testdata/fdinfo/*")
	seedFiles(f, "../internal/fixtures/testdata/fd-kinds/*/fdinfo/*")
	f.Add([]byte("pos:\t0\nflags:\t02\ntfd: 1 events: 19 data: 5 pos:0 ino:1 sdev:2\n"))
	f.Add([]byte("pos:\t0\nflags:\t0\nit_value: (1, 2)\nNSpid:\t1\t2\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := ParseInfo(b)
		if err != nil && !cmp.Equal(in, Info{}) {
			t.Fatalf("ParseInfo error %v with non-zero result %+v", err, in)
		}
	})
}

func FuzzParseNet(f *testing.F) {
	for i, table := range netTables {
		b, err := os.ReadFile("testdata/net/" + table)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), b)
	}
	f.Add(uint8(6), []byte("h\n0: 1 2 3 4 5 6 /a b\nc\n"))
	for i, table := range netTables {
		files, _ := filepath.Glob("../internal/fixtures/testdata/*/*/net/" + table)
		for _, name := range files {
			if b, err := os.ReadFile(name); err == nil {
				f.Add(uint8(i), b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, b []byte) {
		table := netTables[int(which)%len(netTables)]
		socks, err := ParseNet(table, b)
		if err != nil && socks != nil {
			t.Fatalf("ParseNet(%s) error %v with %d sockets", table, err, len(socks))
		}
		for _, s := range socks {
			if s.Proto != table {
				t.Fatalf("Proto %q in table %s", s.Proto, table)
			}
			_ = s.StateName() + s.LocalAddr() + s.RemoteAddr()
		}
	})
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"/a (deleted)", "socket:[1]", "pipe:[2]", "anon_inode:[eventfd]", "/memfd:x (deleted)", "net:[3]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg := ParseTarget(s)
		switch tg.Type {
		case File:
			back := tg.Path
			if tg.Deleted && (len(s) >= len(deletedSuffix) && s[len(s)-len(deletedSuffix):] == deletedSuffix) {
				back += deletedSuffix
			}
			if back != s {
				t.Fatalf("ParseTarget(%q) = %+v does not round-trip (%q)", s, tg, back)
			}
		case Socket, Pipe:
			name := map[Type]string{Socket: "socket", Pipe: "pipe"}[tg.Type]
			if want := name + ":[" + strconv.FormatUint(tg.Inode, 10) + "]"; want != s && tg.Inode != 0 {
				// Leading zeros are the only way the text can differ.
				if _, err := strconv.ParseUint(s[len(name)+2:len(s)-1], 10, 64); err != nil {
					t.Fatalf("ParseTarget(%q) = %+v", s, tg)
				}
			}
		}
	})
}
