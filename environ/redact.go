package environ

import (
	"github.com/procscope/procscope/secret"
)

// Classify classifies the entry with [secret.Classify]. An entry without
// '=' has no value and is never a secret.
func (e Entry) Classify() secret.Reason {
	if e.NoEquals {
		return ""
	}
	return secret.Classify(e.Name, e.Value)
}

// Redact returns the entry as "NAME=VALUE", with the value of a secret
// replaced by [secret.Marker] (for example "AWS_SECRET_ACCESS_KEY=<redacted:aws-secret-access-key>"),
// or just NAME for an entry without '='. This is how entries print by
// default; [Entry.Raw] reveals.
func Redact(e Entry) string {
	if e.NoEquals {
		return e.Name
	}
	if r := e.Classify(); r != "" {
		return e.Name + "=" + secret.Marker(r)
	}
	return e.Name + "=" + e.Value
}

// Secret is one classified secret entry of an environment.
type Secret struct {
	Index  int // position in Env.Entries
	Name   string
	Reason secret.Reason
}

// Secrets returns the secret entries of e in file order.
func (e Env) Secrets() []Secret {
	var out []Secret
	for i, en := range e.Entries {
		if r := en.Classify(); r != "" {
			out = append(out, Secret{Index: i, Name: en.Name, Reason: r})
		}
	}
	return out
}
