package secret

import (
	"bytes"
	"encoding/base64"
	"strings"
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

// FuzzDecode drives the decoders (base64, option strings, YAML and JSON
// scans) with any bytes, raw and base64-encoded. Beyond not panicking: a
// text that is classified as a secret is still found once base64-encoded,
// as the decoder promises within its limits.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("users:\n- name: admin\n  user:\n    token: k7q2zx.9f3m1p0w8r4t6y2u\n"))
	f.Add([]byte(`{"auths":{"ghcr.io":{"auth":"Y2k6SHU3eHEyTHAh"}}}`))
	f.Add([]byte(`{"kty":"EC","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8T","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9"}`))
	f.Add([]byte("-Xmx1g -Dspring.datasource.password=Hu7xq2Lp --set a=1,b.password=x -u a:b -uc:d"))
	f.Add([]byte("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"))
	f.Add([]byte("\xff\xfe İ=İ \"İ\": \"\xff\" key: \x00"))
	f.Add([]byte(strings.Repeat("=", 100) + strings.Repeat(",a=", 50)))
	f.Fuzz(func(t *testing.T, b []byte) {
		s := string(b)
		r := ClassifyValue(s)
		if !validReason(r) {
			t.Fatalf("ClassifyValue(%q) = %q", s, r)
		}
		Classify("X", s)
		ClassifyArgs(strings.Split("prog "+s, " "))
		jsonFields(s, func(k, v string) bool { return true })
		enc := base64.StdEncoding.EncodeToString(b)
		got := ClassifyValue(enc)
		if !validReason(got) {
			t.Fatalf("ClassifyValue(base64 %q) = %q", s, got)
		}
		if r != "" && isText(b) && len(enc) >= minBase64 && len(enc) <= maxBase64 && classifyValueDepth(s, 1) != "" && got == "" {
			t.Fatalf("%q is %q but its base64 %q is not found", s, r, enc)
		}
	})
}
