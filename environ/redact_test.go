package environ

import "testing"

func TestRedact(t *testing.T) {
	tests := []struct {
		e    Entry
		want string
	}{
		{Entry{Name: "AWS_ACCESS_KEY_ID", Value: "AKIA" + "Q7R2M4T6W3Y5Z7B2"}, "AWS_ACCESS_KEY_ID=<redacted:aws-access-key-id>"},
		{Entry{Name: "DB_PASSWORD", Value: "hunter22"}, "DB_PASSWORD=<redacted:password>"},
		{Entry{Name: "HOME", Value: "/root"}, "HOME=/root"},
		{Entry{Name: "PASSWORD", NoEquals: true}, "PASSWORD"},
		// A token on its own, without a name and '=': classified by its shape.
		{Entry{Name: "ghp_" + "R8fK2mQ9zL4xW7vB1nT6yH3cJ5pD0sG8aE2u", NoEquals: true}, "<redacted:github-token>"},
	}
	for _, tt := range tests {
		if got := Redact(tt.e); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.e.Raw(), got, tt.want)
		}
		if got := tt.e.String(); got != tt.want {
			t.Errorf("Entry(%q).String() = %q, want %q", tt.e.Raw(), got, tt.want)
		}
	}
}

// TestSecretsBareEntry: a secret in an entry without '=' is found, and its
// Secret carries no name (the entry's text is the secret itself).
func TestSecretsBareEntry(t *testing.T) {
	tok := "ghp_" + "R8fK2mQ9zL4xW7vB1nT6yH3cJ5pD0sG8aE2u"
	env := Parse([]byte("HOME=/root\x00" + tok + "\x00"))
	got := env.Secrets()
	if len(got) != 1 || got[0].Index != 1 || got[0].Name != "" || got[0].Reason != "github-token" {
		t.Errorf("Secrets() = %+v; want index 1, no name, github-token", got)
	}
}
