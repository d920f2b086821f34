package environ

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "A=1\x00", "A=1\x00B", "=x\x00=\x00\x00", "N\xff=\xfe\x00", "A=b=c\x00A=d\x00"} {
		f.Add([]byte(s))
	}
	// Seeds from the labelled set, as one block (never the live environment,
	// whose secrets would end up in testdata/fuzz if a crasher were saved).
	if set, err := os.ReadFile("testdata/labelled.jsonl"); err == nil {
		f.Add(bytes.ReplaceAll(set, []byte("\n"), []byte{0}))
	}
	// And the environ files of the fixture trees, captured with small fixed
	// environments.
	paths, _ := filepath.Glob("../internal/fixtures/testdata/*/*/environ")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	if len(paths) == 0 {
		f.Fatal("no fixture environ files to seed from")
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		env := Parse(b)
		if got := env.Bytes(); !bytes.Equal(got, b) {
			t.Fatalf("Parse(%q).Bytes() = %q", b, got)
		}
		if env.Len() != len(b) {
			t.Fatalf("Len() = %d, want %d", env.Len(), len(b))
		}
		// The JSON records, secrets shown, rebuild every entry exactly.
		recs := env.Records(&RecordOptions{ShowSecrets: true})
		js, err := json.Marshal(recs)
		if err != nil {
			t.Fatal(err)
		}
		var back []Record
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatal(err)
		}
		for i, r := range back {
			raw, err := r.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if string(raw) != env.Entries[i].Raw() {
				t.Fatalf("record %d rebuilds %q, want %q", i, raw, env.Entries[i].Raw())
			}
		}
	})
}

func FuzzClassify(f *testing.F) {
	f.Add("DB_PASSWORD", "hunter22")
	f.Add("X", "postgres://u:p@h/db")
	f.Add("K", "Server=x;Password=y;")
	f.Add("T", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.")
	f.Add("P", "-----BEGIN ")
	f.Fuzz(func(t *testing.T, name, value string) {
		r := Classify(name, value)
		e := Entry{Name: name, Value: value}
		red := Redact(e)
		if r != "" && red != name+"="+Marker(r) {
			t.Fatalf("Redact(%q) = %q with reason %q", e.Raw(), red, r)
		}
		if r == "" && red != e.Raw() {
			t.Fatalf("Redact(%q) = %q for a non-secret", e.Raw(), red)
		}
	})
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
