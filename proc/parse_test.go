package proc

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseStat(t *testing.T) {
	line := "42 (a) b) c) R 1 42 42 34816 42 4194560 10 20 30 40 5 6 -7 -8 20 -5 3 0 123456 4096000 250 18446744073709551615 1 2 3 4 5 0 0 0 0 0 0 0 17 1 7 2 0 0 0\n"
	want := Stat{PID: 42, Comm: "a) b) c", State: Running, PPID: 1, PGRP: 42, Session: 42, TTYNr: 34816, TPGID: 42,
		Flags: 4194560, MinFlt: 10, CMinFlt: 20, MajFlt: 30, CMajFlt: 40, UTime: 5, STime: 6, CUTime: -7, CSTime: -8,
		Priority: 20, Nice: -5, NumThreads: 3, StartTime: 123456, VSize: 4096000, RSS: 250, RSSLimit: 1<<64 - 1,
		ExitSignal: 17, Processor: 1, RTPriority: 7, Policy: 2}
	got, err := ParseStat([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseStat (-want +got):\n%s", diff)
	}

	bad := []struct{ name, in, field string }{
		{"empty", "", "comm"},
		{"no paren", "42 x R 1", "comm"},
		{"bad pid", "4x2 (a) R 1", "pid"},
		{"truncated", "42 (a) R 1 42", "session"},
		{"bad state", "42 (a) RR 1", "state"},
		{"overflow", "42 (a) R 1 42 42 0 42 0 99999999999999999999999 0", "minflt"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseStat([]byte(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Field != tt.field || s != (Stat{}) {
				t.Errorf("ParseStat(%q) = %+v, %v; want zero Stat and a ParseError for field %s", tt.in, s, err, tt.field)
			}
		})
	}
}

func TestParseStatusEscapesAndExtra(t *testing.T) {
	in := "Name:\ta\\nb\\\\c\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t7\nPid:\t7\nPPid:\t1\nTracerPid:\t0\n" +
		"Uid:\t1\t2\t3\t4\nGid:\t5\t6\t7\t8\nGroups:\t10 20 \nNSpid:\t7\t1\nVmRSS:\t  100 kB\nThreads:\t1\nSigQ:\t1/63\n" +
		"SigCgt:\t0000000000004000\nCapEff:\t0000000000200000\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t3\nNewKey:\tsome value\n"
	want := Status{Name: "a\nb\\c", Umask: 0o22, State: Sleeping, TGID: 7, PID: 7, PPID: 1,
		UID: IDs{1, 2, 3, 4}, GID: IDs{5, 6, 7, 8}, Groups: []uint32{10, 20}, NSPID: []int{7, 1}, VMRSS: 100 * 1024,
		Threads: 1, SigQ: SigQ{1, 63}, SigCgt: 1 << 14, CapEff: 1 << 21, NoNewPrivs: true, Seccomp: SeccompFilter,
		SeccompFilters: 3, Extra: map[string]string{"NewKey": "some value"}}
	got, err := ParseStatus([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseStatus (-want +got):\n%s", diff)
	}
	if !got.SigCgt.Has(15) || got.SigCgt.Has(14) {
		t.Errorf("SigCgt.Has(15), Has(14) = %v, %v; want true, false", got.SigCgt.Has(15), got.SigCgt.Has(14))
	}
	if names := got.CapEff.Names(); len(names) != 1 || names[0] != "CAP_SYS_ADMIN" || got.CapEff.String() != "0000000000200000" {
		t.Errorf("CapEff = %v %s; want [CAP_SYS_ADMIN] 0000000000200000", names, got.CapEff)
	}
	for _, in := range []string{"Name:\tx\nPid:\t1", "Name:\tx\nUid:\t1 2 3\n", "Name:\tx\nVmRSS:\t10 MB\n", "no colon\n", "Name:\tbad\\q\n"} {
		if s, err := ParseStatus([]byte(in)); !errors.Is(err, ErrParse) || s.Name != "" {
			t.Errorf("ParseStatus(%q) = %+v, %v; want zero Status and ErrParse", in, s.Name, err)
		}
	}
}

func TestParseCmdline(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{"a\x00", []string{"a"}},
		{"a\x00\x00", []string{"a", ""}},
		{"\x00", []string{""}},
		{"one string, no NUL", []string{"one string, no NUL"}},
		{"a\xff\x00b\x00", []string{"a\xff", "b"}},
	} {
		if diff := cmp.Diff(tt.want, ParseCmdline([]byte(tt.in))); diff != "" {
			t.Errorf("ParseCmdline(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// fixtureFiles returns the named files of every fixture tree, as fuzz seeds.
func fixtureFiles(f *testing.F, base string) [][]byte {
	paths, _ := filepath.Glob(filepath.Join("..", "internal", "fixtures", "testdata", "*", "*", base))
	tasks, _ := filepath.Glob(filepath.Join("..", "internal", "fixtures", "testdata", "*", "*", "task", "*", base))
	var out [][]byte
	for _, p := range append(paths, tasks...) {
		if b, err := os.ReadFile(p); err == nil {
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		f.Fatalf("no fixture files named %s", base)
	}
	return out
}

func FuzzParseStat(f *testing.F) {
	for _, b := range fixtureFiles(f, "stat") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseStat(b)
		if err != nil && s != (Stat{}) {
			t.Fatalf("ParseStat returned %+v with error %v", s, err)
		}
	})
}

func FuzzParseStatus(f *testing.F) {
	for _, b := range fixtureFiles(f, "status") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseStatus(b)
		if err != nil && !cmp.Equal(s, Status{}) {
			t.Fatalf("ParseStatus returned %+v with error %v", s, err)
		}
	})
}

func FuzzParseCmdline(f *testing.F) {
	for _, b := range fixtureFiles(f, "cmdline") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		args := ParseCmdline(b)
		// Lossless: the arguments joined by NUL give the input back, up to
		// the one terminating NUL.
		joined := ""
		for i, a := range args {
			if i > 0 {
				joined += "\x00"
			}
			joined += a
		}
		in := string(b)
		if len(in) > 0 && in[len(in)-1] == 0 {
			in = in[:len(in)-1]
		}
		if joined != in {
			t.Fatalf("ParseCmdline(%q) = %q: does not join back", b, args)
		}
	})
}
