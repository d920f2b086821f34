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
	}
	for _, tt := range tests {
		if got := Redact(tt.e); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.e.Raw(), got, tt.want)
		}
	}
}
