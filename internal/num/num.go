// Package num parses the numbers of /proc files from byte slices without
// allocating: the one set of number scanners for proc, fd and tree, whose
// parsers work on the bytes of a file and must not copy them into strings
// for strconv.
//
// Each function takes the whole token (no blanks, no prefix such as 0x) and
// reports false when it is empty, holds a byte that is not a digit of the
// base, or does not fit: a value is never truncated or wrapped. Leading
// zeros are allowed (a decimal token has at most 20 digits).
package num

// Uint parses b as an unsigned decimal number of at most 64 bits (and at
// most 20 digits).
func Uint(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		d := uint64(c - '0')
		if d > 9 || v > (1<<64-1-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

// UintN parses b as an unsigned decimal number of at most bits bits.
func UintN(b []byte, bits int) (uint64, bool) {
	v, ok := Uint(b)
	if !ok || bits < 64 && v>>bits != 0 {
		return 0, false
	}
	return v, true
}

// Int parses b as a decimal integer of at most 64 bits with an optional
// sign, + or -.
func Int(b []byte) (int64, bool) { return IntN(b, 64) }

// IntN parses b as a decimal integer of at most bits bits (two's
// complement, so -1<<(bits-1) ... 1<<(bits-1)-1) with an optional sign.
func IntN(b []byte, bits int) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	u, ok := Uint(b)
	if !ok {
		return 0, false
	}
	limit := uint64(1) << (bits - 1)
	if neg {
		if u > limit {
			return 0, false
		}
		return -int64(u), true
	}
	if u >= limit {
		return 0, false
	}
	return int64(u), true
}

// Hex parses b as an unsigned hexadecimal number, in either case, of at
// most bits bits.
func Hex(b []byte, bits int) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		d := hexDigit[c]
		if d > 15 || v>>60 != 0 {
			return 0, false
		}
		v = v<<4 | uint64(d)
	}
	if bits < 64 && v>>bits != 0 {
		return 0, false
	}
	return v, true
}

// Octal parses b as an unsigned octal number of at most bits bits.
func Octal(b []byte, bits int) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		d := uint64(c - '0')
		if d > 7 || v>>61 != 0 {
			return 0, false
		}
		v = v<<3 | d
	}
	if bits < 64 && v>>bits != 0 {
		return 0, false
	}
	return v, true
}

// Digits reports whether b is a non-empty run of digits of base (8, 10 or
// 16): a token that failed to parse is then too large rather than
// malformed, for an error that says which.
func Digits(b []byte, base int) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if int(hexDigit[c]) >= base {
			return false
		}
	}
	return true
}

// hexDigit maps a byte to its value as a hexadecimal digit, or 0xff.
var hexDigit = func() (t [256]uint8) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = uint8(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = uint8(c-'a') + 10
		t[c-'a'+'A'] = uint8(c-'a') + 10
	}
	return t
}()
