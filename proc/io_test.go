package proc

import (
	"errors"
	"testing"
)

func TestParseIO(t *testing.T) {
	in := "rchar: 6976\nwchar: 1\nsyscr: 10\nsyscw: 2\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 18446744073709551615\n"
	want := IO{RChar: 6976, WChar: 1, SyscR: 10, SyscW: 2, ReadBytes: 4096, WriteBytes: 8192, CancelledWriteBytes: 1<<64 - 1}
	if got, err := ParseIO([]byte(in)); err != nil || got != want {
		t.Errorf("ParseIO = %+v, %v; want %+v", got, err, want)
	}
	for _, in := range []string{"", "rchar: 1\n", in + "new: 1\n", "rchar: x\n", "rchar 1\n", in[:len(in)-1], "rchar: -1\n"} {
		if v, err := ParseIO([]byte(in)); !errors.Is(err, ErrParse) || v != (IO{}) {
			t.Errorf("ParseIO(%q) = %+v, %v; want ErrParse", in, v, err)
		}
	}
}

func TestParseSingleValues(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{{"0\n", 0}, {"-1000\n", -1000}, {"1000\n", 1000}, {"-17\n", -17}} {
		if got, err := ParseOOMScoreAdj([]byte(tt.in)); err != nil || got != tt.want {
			t.Errorf("ParseOOMScoreAdj(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "0", "1001\n", "-1001\n", "x\n", "1 \n"} {
		if _, err := ParseOOMScoreAdj([]byte(in)); !errors.Is(err, ErrParse) {
			t.Errorf("ParseOOMScoreAdj(%q): %v; want ErrParse", in, err)
		}
	}
	if a, err := ParseAuditID([]byte("4294967295")); err != nil || a != AuditUnset || a.IsSet() || a.String() != "unset" {
		t.Errorf("ParseAuditID(4294967295) = %v (%d), %v; want unset", a, uint32(a), err)
	}
	if a, err := ParseAuditID([]byte("1000")); err != nil || a != 1000 || !a.IsSet() || a.String() != "1000" {
		t.Errorf("ParseAuditID(1000) = %v, %v", a, err)
	}
	for _, in := range []string{"", "4294967296", "-1", "1\n", "x"} {
		if _, err := ParseAuditID([]byte(in)); !errors.Is(err, ErrParse) {
			t.Errorf("ParseAuditID(%q): %v; want ErrParse", in, err)
		}
	}
}

func FuzzParseIO(f *testing.F) {
	for _, b := range fixtureFiles(f, "io") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if v, err := ParseIO(b); err != nil && v != (IO{}) {
			t.Fatalf("ParseIO returned %+v with error %v", v, err)
		}
	})
}

func FuzzParseOOMScoreAdj(f *testing.F) {
	for _, s := range []string{"0\n", "-1000\n", "1000\n", "-17\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := ParseOOMScoreAdj(b)
		if err != nil && n != 0 || n < -1000 || n > 1000 {
			t.Fatalf("ParseOOMScoreAdj(%q) = %d, %v", b, n, err)
		}
	})
}

func FuzzParseAuditID(f *testing.F) {
	for _, s := range []string{"4294967295", "0", "1000", "7"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if a, err := ParseAuditID(b); err != nil && a != 0 {
			t.Fatalf("ParseAuditID(%q) = %d with error %v", b, a, err)
		}
	})
}
