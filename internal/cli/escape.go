package cli

import (
	"strconv"
	"unicode/utf8"
)

// Escape is how every text output of the example programs prints a string
// that came from a process or a capture (a file name, a command line, an
// environment entry, a comm, an error naming one of them): s itself when it
// prints as one clean line, else s Go-quoted (strconv.Quote), so that no
// control byte reaches the terminal, a name holding a newline stays on its
// row, and the exact bytes can be recovered with strconv.Unquote.
//
// A string is quoted when it holds invalid UTF-8, a rune strconv.IsPrint
// rejects (C0 and C1 controls, DEL, tab, bidi and other format characters,
// spaces other than ' '), or starts with '"' (so a quoted string is never
// mistaken for a clean one). A backslash alone does not quote: PS1=\u@\h
// prints as it is.
//
// lsof prints the same name differently: a newline as \n and other control
// bytes in caret notation (ESC as ^[), without quotes, so its output cannot
// tell a name holding ESC from one holding "^[". JSON output does not use
// Escape: encoding/json escapes control characters itself.
func Escape(s string) string {
	if needsQuote(s) {
		return strconv.Quote(s)
	}
	return s
}

func needsQuote(s string) bool {
	if len(s) > 0 && s[0] == '"' {
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < ' ' || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || !strconv.IsPrint(r) {
			return true
		}
		i += n
	}
	return false
}
