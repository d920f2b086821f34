package secret

import (
	"bytes"
	"testing"
)

func FuzzClassify(f *testing.F) {
	f.Add("DB_PASSWORD", "hunter22")
	f.Add("X", "postgres://u:p@h/db")
	f.Add("K", "Server=x;Password=y;")
	f.Add("T", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.")
	f.Add("P", "-----BEGIN ")
	f.Fuzz(func(t *testing.T, name, value string) {
		r := Classify(name, value)
		if !validReason(r) {
			t.Fatalf("Classify(%q, %q) = %q, not a valid reason", name, value, r)
		}
		if v := ClassifyValue(value); v != "" && r == "" {
			t.Fatalf("ClassifyValue(%q) = %q but Classify with name %q finds nothing", value, v, name)
		}
	})
}

// validReason: "" or lowercase letters, digits and '-', as Reason promises.
func validReason(r Reason) bool {
	for i := 0; i < len(r); i++ {
		c := r[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func FuzzClassifyArgs(f *testing.F) {
	f.Add("mysql\x00-pS3cret\x00--password=x\x00--token\x00abcdefgh12345678")
	f.Add("curl\x00-u\x00a:b\x00https://u:p@h/")
	f.Add("env\x00API_KEY=0123456789abcdef0123\x00-p")
	f.Fuzz(func(t *testing.T, cmdline string) {
		args := bytes.Split([]byte(cmdline), []byte{0})
		sargs := make([]string, len(args))
		for i, a := range args {
			sargs[i] = string(a)
		}
		found := ClassifyArgs(sargs)
		red := RedactArgs(sargs)
		if len(red) != len(sargs) {
			t.Fatalf("RedactArgs changed the argument count: %d -> %d", len(sargs), len(red))
		}
		for _, s := range found {
			if s.Index < 1 || s.Index >= len(sargs) || s.Reason == "" {
				t.Fatalf("bad finding %+v for %q", s, sargs)
			}
			if red[s.Index] == sargs[s.Index] {
				t.Fatalf("argument %d %q not redacted", s.Index, sargs[s.Index])
			}
		}
	})
}
