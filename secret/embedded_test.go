package secret

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestDecodeBounds: base64 is decoded at most maxDepth levels deep, and
// words longer than maxBase64 are not decoded at all, so a crafted value
// costs at most a few passes over its bytes.
func TestDecodeBounds(t *testing.T) {
	enc := base64.StdEncoding.EncodeToString
	doc := `{"auths":{"ghcr.io":{"auth":"Y2k6SHU3eHEyTHAh"}}}`
	if got := ClassifyValue(doc); got != "json-secret-field" {
		t.Fatalf("ClassifyValue(docker config) = %q", got)
	}
	once, twice, thrice := enc([]byte(doc)), enc([]byte(enc([]byte(doc)))), enc([]byte(enc([]byte(enc([]byte(doc))))))
	if got := ClassifyValue(once); got != "json-secret-field" {
		t.Errorf("base64 once: %q, want json-secret-field", got)
	}
	if got := ClassifyValue(twice); got != "json-secret-field" {
		t.Errorf("base64 twice: %q, want json-secret-field", got)
	}
	if got := ClassifyValue(thrice); got != "" {
		t.Errorf("base64 three times: %q, want nothing (deeper than maxDepth)", got)
	}
	// A huge document holding a secret at its end: too long to decode.
	big := enc([]byte(strings.Repeat("replicas: 3\n", maxBase64/12) + "password: Hu7xq2Lp!\n"))
	if len(big) <= maxBase64 {
		t.Fatal("test document too small")
	}
	if got := ClassifyValue(big); got != "" {
		t.Errorf("ClassifyValue(%d bytes of base64) = %q, want it left undecoded", len(big), got)
	}
	small := enc([]byte("replicas: 3\npassword: Hu7xq2Lp!\n"))
	if got := ClassifyValue(small); got != ReasonPassword {
		t.Errorf("ClassifyValue(small base64 YAML) = %q, want password", got)
	}
}

// TestDecodeNotText: base64 of key material (not text) is left to the name
// rules; decoding it finds nothing and does not fail.
func TestDecodeNotText(t *testing.T) {
	raw := make([]byte, 64)
	for i := range raw {
		raw[i] = byte(i * 37)
	}
	v := base64.StdEncoding.EncodeToString(raw)
	if got := ClassifyValue(v); got != "" {
		t.Errorf("ClassifyValue(random base64) = %q", got)
	}
	if got := Classify("AZURE_STORAGE_KEY", v); got == "" {
		t.Error("AZURE_STORAGE_KEY with 64 random bytes in base64 not found by name")
	}
}

// TestUserPassword tells USER:PASSWORD from USER:GROUP.
func TestUserPassword(t *testing.T) {
	tests := []struct {
		prog, v string
		want    bool
	}{
		{"curl", "bob:x", true},
		{"etcdctl", "root:pw", true},
		{"", "bob:Hu7xq2Lp", true},
		{"", "bob:correct-horse-battery-staple", true},
		{"docker", "1000:1000", false},
		{"", "app:staff", false},
		{"", "nobody:nogroup", false},
		{"", "bob:", false},
		{"", "bob", false},
		{"", "bob:${PASSWORD}", false},
	}
	for _, tt := range tests {
		if got := userPassword(tt.prog, tt.v); got != tt.want {
			t.Errorf("userPassword(%q, %q) = %v, want %v", tt.prog, tt.v, got, tt.want)
		}
	}
}
