package environ

import (
	"github.com/procscope/procscope/secret"
)

// Classify classifies the entry with [secret.Classify]. An entry without
// '=' has no name to go by: its whole text is classified as a bare value
// ([secret.ClassifyValue]), so a token pasted into the environment on its
// own is still found.
func (e Entry) Classify() secret.Reason {
	if e.NoEquals {
		return secret.ClassifyValue(e.Name)
	}
	return secret.Classify(e.Name, e.Value)
}

// Redact returns the entry as "NAME=VALUE", with the value of a secret
// replaced by [secret.Marker] (for example "AWS_SECRET_ACCESS_KEY=<redacted:aws-secret-access-key>"),
// or just its text for an entry without '=' (the marker alone when that
// text is a secret). This is how entries print by default; [Entry.Raw]
// reveals.
func Redact(e Entry) string {
	r := e.Classify()
	if e.NoEquals {
		if r != "" {
			return secret.Marker(r)
		}
		return e.Name
	}
	if r != "" {
		return e.Name + "=" + secret.Marker(r)
	}
	return e.Name + "=" + e.Value
}

// Secret is one classified secret entry of an environment.
type Secret struct {
	Index  int    // position in Env.Entries
	Name   string // the variable's name; "" for an entry without '=' (its text is the secret)
	Reason secret.Reason
}

// Secrets returns the secret entries of e in file order.
func (e Env) Secrets() []Secret {
	var out []Secret
	for i, en := range e.Entries {
		if r := en.Classify(); r != "" {
			name := en.Name
			if en.NoEquals {
				name = ""
			}
			out = append(out, Secret{Index: i, Name: name, Reason: r})
		}
	}
	return out
}
