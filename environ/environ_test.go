package environ

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/quick"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Env
	}{
		{"empty", "", Env{}},
		{"one", "A=1\x00", Env{Entries: []Entry{{Name: "A", Value: "1"}}}},
		{"two", "A=1\x00B=2\x00", Env{Entries: []Entry{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}}}},
		{"no trailing NUL", "A=1\x00B=2", Env{Entries: []Entry{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}}, Unterminated: true}},
		{"truncated last entry", "A=1\x00B", Env{Entries: []Entry{{Name: "A", Value: "1"}, {Name: "B", NoEquals: true}}, Unterminated: true}},
		{"no equals", "JUNK\x00", Env{Entries: []Entry{{Name: "JUNK", NoEquals: true}}}},
		{"empty value", "A=\x00", Env{Entries: []Entry{{Name: "A"}}}},
		{"empty name", "=x\x00", Env{Entries: []Entry{{Name: "", Value: "x"}}}},
		{"just equals", "=\x00", Env{Entries: []Entry{{}}}},
		{"value with equals", "A=b=c==\x00", Env{Entries: []Entry{{Name: "A", Value: "b=c=="}}}},
		{"lone NUL", "\x00", Env{Entries: []Entry{{NoEquals: true}}}},
		{"empty entry inside", "A=1\x00\x00B=2\x00", Env{Entries: []Entry{{Name: "A", Value: "1"}, {NoEquals: true}, {Name: "B", Value: "2"}}}},
		{"duplicates kept", "A=1\x00A=2\x00", Env{Entries: []Entry{{Name: "A", Value: "1"}, {Name: "A", Value: "2"}}}},
		{"non-UTF-8", "N\xff=\xfe\x80v\x00", Env{Entries: []Entry{{Name: "N\xff", Value: "\xfe\x80v"}}}},
		{"newline in value", "A=x\ny\x00", Env{Entries: []Entry{{Name: "A", Value: "x\ny"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse([]byte(tt.in))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			if b := got.Bytes(); string(b) != tt.in {
				t.Errorf("Parse(%q).Bytes() = %q, want the input", tt.in, b)
			}
			if n := got.Len(); n != len(tt.in) {
				t.Errorf("Parse(%q).Len() = %d, want %d", tt.in, n, len(tt.in))
			}
		})
	}
}

func TestLookup(t *testing.T) {
	env := Parse([]byte("A\x00B=1\x00A=first\x00A=second\x00E=\x00"))
	tests := []struct {
		name, want string
		ok         bool
	}{
		{"A", "first", true}, // the entry without '=' named A does not match (glibc getenv)
		{"B", "1", true},
		{"E", "", true},
		{"MISSING", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got, ok := env.Lookup(tt.name); got != tt.want || ok != tt.ok {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

// TestRoundTripProperty: Parse(b).Bytes() == b for random blocks made of
// the bytes that matter (NUL, '=', and others, including invalid UTF-8).
func TestRoundTripProperty(t *testing.T) {
	f := func(b []byte) bool { return bytes.Equal(Parse(b).Bytes(), b) }
	cfg := &quick.Config{MaxCount: 2000, Rand: nil}
	if err := quick.Check(f, cfg); err != nil {
		t.Error(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{0, 0, '=', '=', 'A', 'b', 0xff, 0x80, '\n'}
	for range 5000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		env := Parse(b)
		if got := env.Bytes(); !bytes.Equal(got, b) {
			t.Fatalf("Parse(%q).Bytes() = %q", b, got)
		}
		// Every entry is the bytes between NULs, split at the first '='.
		want := strings.Split(string(b), "\x00")
		if len(b) > 0 && b[len(b)-1] == 0 {
			want = want[:len(want)-1]
		}
		if len(b) == 0 {
			want = nil
		}
		if len(want) != len(env.Entries) {
			t.Fatalf("Parse(%q) has %d entries, want %d", b, len(env.Entries), len(want))
		}
		for i, e := range env.Entries {
			if e.Raw() != want[i] || strings.Contains(e.Name, "=") {
				t.Fatalf("Parse(%q).Entries[%d] = %+v, want raw %q", b, i, e, want[i])
			}
		}
	}
}

// TestLargeEnvironment: values of several MiB and more than 1 MiB in total
// are returned whole (procfs's Environ cuts at 1 MiB).
func TestLargeEnvironment(t *testing.T) {
	big := strings.Repeat("x", 3<<20)
	var b bytes.Buffer
	for i := range 1025 {
		fmt.Fprintf(&b, "V%04d=%s\x00", i, strings.Repeat("y", 1010))
	}
	b.WriteString("BIG=" + big + "\x00")
	env := Parse(b.Bytes())
	if len(env.Entries) != 1026 {
		t.Fatalf("got %d entries, want 1026", len(env.Entries))
	}
	if v, _ := env.Lookup("BIG"); len(v) != len(big) {
		t.Errorf("BIG has %d bytes, want %d", len(v), len(big))
	}
	if !bytes.Equal(env.Bytes(), b.Bytes()) {
		t.Error("Bytes() differs from the input")
	}
}

func TestParseAllocs(t *testing.T) {
	b := make1MiB()
	allocs := testing.AllocsPerRun(10, func() { _ = Parse(b) })
	if allocs > 2 {
		t.Errorf("Parse of a 1 MiB block: %v allocations, want at most 2", allocs)
	}
}

// make1MiB builds a 1 048 595-byte environment of 1 025 entries, the size
// at which procfs silently dropped the last entry.
func make1MiB() []byte {
	var b bytes.Buffer
	for i := range 1024 {
		fmt.Fprintf(&b, "VAR_%04d=%s\x00", i, strings.Repeat("v", 1014))
	}
	b.WriteString("LAST=" + strings.Repeat("z", 1048595-b.Len()-6) + "\x00")
	return b.Bytes()
}

func TestEntryPrintsRedacted(t *testing.T) {
	secret := "ghp_" + strings.Repeat("aB3xY9", 6)
	e := Entry{Name: "GITHUB_TOKEN", Value: secret}
	for _, verb := range []string{"%v", "%s", "%+v", "%#v"} {
		if got := fmt.Sprintf(verb, e); strings.Contains(got, secret) {
			t.Errorf("Sprintf(%q, entry) = %q reveals the secret", verb, got)
		}
	}
	if got, want := e.String(), "GITHUB_TOKEN=<redacted:github-token>"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := e.Raw(); got != "GITHUB_TOKEN="+secret {
		t.Errorf("Raw() = %q", got)
	}
	if got := (Entry{Name: "HOME", Value: "/root"}).String(); got != "HOME=/root" {
		t.Errorf("String() = %q, want HOME=/root", got)
	}
	if got := (Entry{Name: "BARE", NoEquals: true}).String(); got != "BARE" {
		t.Errorf("String() = %q, want BARE", got)
	}
}
