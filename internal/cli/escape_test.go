package cli

import (
	"strconv"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"/usr/bin/sleep", "/usr/bin/sleep"},
		{`PS1=\u@\h \$ `, `PS1=\u@\h \$ `},     // a backslash alone stays
		{"café ☕", "café ☕"},                   // printable Unicode stays
		{"a\nb\x1b[31m", `"a\nb\x1b[31m"`},     // the file name
		{"tab\there", `"tab\there"`},           // a tab would split a tabwriter cell
		{"del\x7f", `"del\x7f"`},               // DEL
		{"c1\u009b31m", `"c1\u009b31m"`},       // C1 CSI, encoded
		{"raw\x9b31m", `"raw\x9b31m"`},         // C1 CSI as a raw byte: invalid UTF-8
		{"bidi\u202eevil", `"bidi\u202eevil"`}, // right-to-left override
		{`"quoted"`, `"\"quoted\""`},           // a leading quote is quoted
		{`say "hi"`, `say "hi"`},               // an inner quote is not
		{"nbsp\u00a0x", `"nbsp\u00a0x"`},       // a look-alike space
		{"\xff\xfe", `"\xff\xfe"`},             // invalid UTF-8
		{"ok\ufffd", "ok\ufffd"},               // a real U+FFFD is valid and printable
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %s; want %s", c.in, got, c.want)
		}
	}
}

// FuzzEscape checks what every text output relies on: the result is one
// line of valid UTF-8 without control bytes, and it gives back the input.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "a\nb\x1b[31m", `"x`, "\xff", `\`, "\u2028", "\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := Escape(s)
		if !utf8.ValidString(e) {
			t.Fatalf("Escape(%q) = %q: invalid UTF-8", s, e)
		}
		for _, r := range e {
			if r < ' ' || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u2028' || r == '\u2029' {
				t.Fatalf("Escape(%q) = %q holds %U", s, e, r)
			}
		}
		if e == s {
			return
		}
		back, err := strconv.Unquote(e)
		if err != nil || back != s {
			t.Fatalf("Escape(%q) = %s: Unquote gives %q, %v", s, e, back, err)
		}
	})
}
