package proc

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Tests of the memory files: statm, smaps_rollup and maps.

func TestParseStatm(t *testing.T) {
	got, err := ParseStatm([]byte("2049 1011 673 177 0 150 0\n"))
	if want := (Statm{Size: 2049, Resident: 1011, Shared: 673, Text: 177, Data: 150}); err != nil || got != want {
		t.Errorf("ParseStatm = %+v, %v; want %+v", got, err, want)
	}
	for _, in := range []string{"", "1 2 3 4 5 6\n", "1 2 3 4 5 6 x\n", "1 2 3 4 5 6 7 8\n", "-1 2 3 4 5 6 7\n"} {
		if s, err := ParseStatm([]byte(in)); !errors.Is(err, ErrParse) || s != (Statm{}) {
			t.Errorf("ParseStatm(%q) = %+v, %v; want ErrParse", in, s, err)
		}
	}
}

func TestParseSmapsRollup(t *testing.T) {
	in := "5600cfa50000-7ffda2b94000 ---p 00000000 00:00 0                          [rollup]\n" +
		"Rss:                1700 kB\nPss:                 275 kB\nPss_Dirty:           108 kB\n" +
		"Private_Dirty:       108 kB\nSwapPss:               0 kB\nLocked:                4 kB\nNew_Thing:            2 kB\n"
	want := SmapsRollup{Start: 0x5600cfa50000, End: 0x7ffda2b94000, RSS: 1700 << 10, PSS: 275 << 10, PSSDirty: 108 << 10,
		PrivateDirty: 108 << 10, Locked: 4 << 10, Extra: map[string]uint64{"New_Thing": 2 << 10}}
	got, err := ParseSmapsRollup([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseSmapsRollup (-want +got):\n%s", diff)
	}
	if got, err := ParseSmapsRollup(nil); err != nil || !cmp.Equal(got, SmapsRollup{}) {
		t.Errorf("ParseSmapsRollup(empty) = %+v, %v; want zero, no error", got, err)
	}
	for _, in := range []string{
		"5600cfa50000-7ffda2b94000 ---p 00000000 00:00 0 [heap]\nRss: 1 kB\n",
		"5600cfa50000-7ffda2b94000 ---p 00000000 00:00 0 [rollup]",
		"5600cfa50000-7ffda2b94000 ---p 00000000 00:00 0 [rollup]\nRss: 1 MB\n",
		"5600cfa50000-7ffda2b94000 ---p 00000000 00:00 0 [rollup]\nRss 1 kB\n",
		"5600cfa50000-7ffda2b94000 ---p 00000000 00:00 0 [rollup]\nRss: 1 kB",
	} {
		if s, err := ParseSmapsRollup([]byte(in)); !errors.Is(err, ErrParse) || !cmp.Equal(s, SmapsRollup{}) {
			t.Errorf("ParseSmapsRollup(%q) = %+v, %v; want ErrParse", in, s, err)
		}
	}
}

func TestParseMaps(t *testing.T) {
	in := "563c62ea8000-563c62ed7000 r--p 00000000 fe:00 246999                     /usr/bin/ba sh\n" +
		"7f4ff5099000-7f4ff509b000 rw-s 00033000 103:1a 325835                     /memfd:x (deleted)\n" +
		"7ffe61b5a000-7ffe61b7b000 rw-p 00000000 00:00 0                          [stack]\n" +
		"7ffe61b7b000-7ffe61b7c000 rw-p 00000000 00:00 0 \n" +
		"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n"
	want := []Map{
		{Start: 0x563c62ea8000, End: 0x563c62ed7000, Perms: MapPerms{Read: true}, Major: 0xfe, Inode: 246999, Path: "/usr/bin/ba sh"},
		{Start: 0x7f4ff5099000, End: 0x7f4ff509b000, Perms: MapPerms{Read: true, Write: true, Shared: true}, Offset: 0x33000,
			Major: 0x103, Minor: 0x1a, Inode: 325835, Path: "/memfd:x (deleted)"},
		{Start: 0x7ffe61b5a000, End: 0x7ffe61b7b000, Perms: MapPerms{Read: true, Write: true}, Path: "[stack]"},
		{Start: 0x7ffe61b7b000, End: 0x7ffe61b7c000, Perms: MapPerms{Read: true, Write: true}},
		{Start: 0xffffffffff600000, End: 0xffffffffff601000, Perms: MapPerms{Exec: true}, Path: "[vsyscall]"},
	}
	got, err := ParseMaps([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseMaps (-want +got):\n%s", diff)
	}
	if got[0].Perms.String() != "r--p" || got[1].Perms.String() != "rw-s" || got[4].Perms.String() != "--xp" {
		t.Errorf("Perms.String: %s %s %s", got[0].Perms, got[1].Perms, got[4].Perms)
	}
	if got[1].Dev() != mkdev(0x103, 0x1a) || got[0].Size() != 0x2f000 {
		t.Errorf("Dev %#x Size %#x", got[1].Dev(), got[0].Size())
	}
	bad := []struct{ name, in, field string }{
		{"no newline", "0-1 r--p 0 00:00 0", "line 1: line"},
		{"address", "x-1 r--p 0 00:00 0\n", "line 1: address"},
		{"end before start", "2-1 r--p 0 00:00 0\n", "line 1: address"},
		{"perms", "0-1 r--x 0 00:00 0\n", "line 1: perms"},
		{"offset", "0-1 r--p g 00:00 0\n", "line 1: offset"},
		{"dev", "0-1 r--p 0 0000 0\n", "line 1: dev"},
		{"inode", "0-1 r--p 0 00:00 0\n0-1 r--p 0 00:00 x\n", "line 2: inode"},
		{"truncated", "0-1 r--p 0\n", "line 1: dev"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMaps([]byte(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Field != tt.field || got != nil {
				t.Errorf("ParseMaps(%q) = %v, %v; want nil and a ParseError for %q", tt.in, got, err, tt.field)
			}
		})
	}
}

func FuzzParseStatm(f *testing.F) {
	for _, b := range fixtureFiles(f, "statm") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if s, err := ParseStatm(b); err != nil && s != (Statm{}) {
			t.Fatalf("ParseStatm returned %+v with error %v", s, err)
		}
	})
}

func FuzzParseSmapsRollup(f *testing.F) {
	f.Add([]byte("5600cfa50000-7ffda2b94000 ---p 00000000 00:00 0                          [rollup]\nRss:                1700 kB\nPss:                 275 kB\n"))
	for _, b := range fixtureFiles(f, "smaps_rollup") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if s, err := ParseSmapsRollup(b); err != nil && !cmp.Equal(s, SmapsRollup{}) {
			t.Fatalf("ParseSmapsRollup returned %+v with error %v", s, err)
		}
	})
}

func FuzzParseMaps(f *testing.F) {
	for _, b := range fixtureFiles(f, "maps") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, err := ParseMaps(b)
		if err != nil && ms != nil {
			t.Fatalf("ParseMaps returned %d maps with error %v", len(ms), err)
		}
		for _, m := range ms {
			if m.End < m.Start {
				t.Fatalf("ParseMaps gave end %#x before start %#x", m.End, m.Start)
			}
		}
	})
}
