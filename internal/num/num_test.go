package num

import (
	"strconv"
	"strings"
	"testing"
)

func TestUint(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true},
		{"42", 42, true},
		{"007", 7, true},
		{"18446744073709551615", 1<<64 - 1, true},
		{"18446744073709551616", 0, false},
		{"99999999999999999999", 0, false},
		{"000000000000000000001", 0, false}, // 21 digits
		{"", 0, false},
		{"-1", 0, false},
		{"+1", 0, false},
		{"1 ", 0, false},
		{"1a", 0, false},
		{"/", 0, false},
		{":", 0, false},
	}
	for _, tt := range tests {
		if got, ok := Uint([]byte(tt.in)); got != tt.want || ok != tt.ok {
			t.Errorf("Uint(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if v, ok := UintN([]byte("65535"), 16); v != 65535 || !ok {
		t.Errorf("UintN(65535, 16) = %d, %v", v, ok)
	}
	if v, ok := UintN([]byte("65536"), 16); v != 0 || ok {
		t.Errorf("UintN(65536, 16) = %d, %v; want 0, false", v, ok)
	}
}

func TestInt(t *testing.T) {
	tests := []struct {
		in   string
		bits int
		want int64
		ok   bool
	}{
		{"-1", 64, -1, true},
		{"+5", 64, 5, true},
		{"-9223372036854775808", 64, -1 << 63, true},
		{"9223372036854775807", 64, 1<<63 - 1, true},
		{"9223372036854775808", 64, 0, false},
		{"-9223372036854775809", 64, 0, false},
		{"-2147483648", 32, -1 << 31, true},
		{"2147483648", 32, 0, false},
		{"-", 64, 0, false},
		{"", 64, 0, false},
		{"--1", 64, 0, false},
	}
	for _, tt := range tests {
		if got, ok := IntN([]byte(tt.in), tt.bits); got != tt.want || ok != tt.ok {
			t.Errorf("IntN(%q, %d) = %d, %v; want %d, %v", tt.in, tt.bits, got, ok, tt.want, tt.ok)
		}
	}
}

func TestHexOctal(t *testing.T) {
	if v, ok := Hex([]byte("7fffDEADbeef"), 64); v != 0x7fffdeadbeef || !ok {
		t.Errorf("Hex = %#x, %v", v, ok)
	}
	if v, ok := Hex([]byte("0000000000000000000000ff"), 8); v != 0xff || !ok {
		t.Errorf("Hex with leading zeros = %#x, %v", v, ok)
	}
	for _, bad := range []string{"", "0x1", "g", "100", "1 "} {
		if v, ok := Hex([]byte(bad), 8); ok || v != 0 {
			t.Errorf("Hex(%q, 8) = %#x, %v; want 0, false", bad, v, ok)
		}
	}
	if _, ok := Hex([]byte("10000000000000000"), 64); ok {
		t.Error("Hex of 17 significant digits fits 64 bits")
	}
	if v, ok := Octal([]byte("0022"), 32); v != 0o22 || !ok {
		t.Errorf("Octal(0022) = %#o, %v", v, ok)
	}
	if _, ok := Octal([]byte("8"), 32); ok {
		t.Error("Octal(8) parsed")
	}
	if !Digits([]byte("99999999999999999999999"), 10) || Digits([]byte("12a"), 10) || !Digits([]byte("12a"), 16) || Digits(nil, 10) {
		t.Error("Digits")
	}
}

// TestAllocs: the scanners are for hot paths.
func TestAllocs(t *testing.T) {
	b := []byte("1234567")
	if n := testing.AllocsPerRun(100, func() { Uint(b); Int(b); Hex(b, 64); Octal(b, 64) }); n != 0 {
		t.Errorf("%v allocations per run", n)
	}
}

// FuzzScanners: every scanner agrees with strconv on any input (the
// decimal ones up to their 20-digit limit) and never panics.
func FuzzScanners(f *testing.F) {
	for _, s := range []string{"0", "-1", "+7", "18446744073709551615", "18446744073709551616", "ff", "FFFFFFFFFFFFFFFF", "0777", "", "-", "1_000", "0x10"} {
		f.Add([]byte(s), uint8(64))
	}
	f.Fuzz(func(t *testing.T, b []byte, bits uint8) {
		n := int(bits%57) + 8 // strconv.ParseInt("-2", 10, 1) is -1 without error: stay clear of 1 bit
		s := string(b)
		digits := strings.TrimLeft(s, "+-")
		long := len(digits) > 20 || len(s)-len(digits) > 1

		wu, werr := strconv.ParseUint(s, 10, n)
		if u, ok := UintN(b, n); long && ok || !long && (ok != (werr == nil) || ok && u != wu) {
			t.Errorf("UintN(%q, %d) = %d, %v; strconv %d, %v", s, n, u, ok, wu, werr)
		}
		wi, werr := strconv.ParseInt(s, 10, n)
		if i, ok := IntN(b, n); long && ok || !long && (ok != (werr == nil) || ok && i != wi) {
			t.Errorf("IntN(%q, %d) = %d, %v; strconv %d, %v", s, n, i, ok, wi, werr)
		}
		wh, werr := strconv.ParseUint(s, 16, n)
		if h, ok := Hex(b, n); ok != (werr == nil) || ok && h != wh {
			t.Errorf("Hex(%q, %d) = %d, %v; strconv %d, %v", s, n, h, ok, wh, werr)
		}
		wo, werr := strconv.ParseUint(s, 8, n)
		if o, ok := Octal(b, n); ok != (werr == nil) || ok && o != wo {
			t.Errorf("Octal(%q, %d) = %d, %v; strconv %d, %v", s, n, o, ok, wo, werr)
		}
	})
}
