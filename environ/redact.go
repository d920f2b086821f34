package environ

import (
	"encoding/base64"
	"unicode/utf8"

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

// Record is the JSON form of one entry, shared by examples/procenv and
// examples/inspect: {name, value, secret, reason}, plus name_base64 /
// value_base64 holding the exact bytes when the name or value is not valid
// UTF-8 (encoding/json would replace those bytes with U+FFFD). Value is
// nil (JSON null) for an entry without '='. A secret's Value is its marker
// unless revealed, and then ValueBase64 is never set for it either.
type Record struct {
	Name        string        `json:"name"`
	Value       *string       `json:"value"`
	Secret      bool          `json:"secret"`
	Reason      secret.Reason `json:"reason"`
	NameBase64  string        `json:"name_base64,omitempty"`
	ValueBase64 string        `json:"value_base64,omitempty"`
}

// RecordOptions controls [Env.Records]. The zero value redacts.
type RecordOptions struct {
	// ShowSecrets puts secret values in the records instead of the marker.
	ShowSecrets bool
}

// Records classifies every entry and returns them in file order as
// [Record]s, with secrets redacted unless opts.ShowSecrets is set. opts may
// be nil.
func (e Env) Records(opts *RecordOptions) []Record {
	show := opts != nil && opts.ShowSecrets
	out := make([]Record, len(e.Entries))
	for i, en := range e.Entries {
		r := Record{Name: en.Name}
		if !utf8.ValidString(en.Name) {
			r.NameBase64 = base64.StdEncoding.EncodeToString([]byte(en.Name))
		}
		if !en.NoEquals {
			r.Reason = en.Classify()
			r.Secret = r.Reason != ""
			v := en.Value
			if r.Secret && !show {
				v = secret.Marker(r.Reason)
			} else if !utf8.ValidString(v) {
				r.ValueBase64 = base64.StdEncoding.EncodeToString([]byte(v))
			}
			r.Value = &v
		}
		out[i] = r
	}
	return out
}

// Bytes rebuilds the raw entry (without its NUL) from a record: the exact
// bytes when the record was made with secrets shown.
func (r Record) Bytes() ([]byte, error) {
	name := []byte(r.Name)
	if r.NameBase64 != "" {
		b, err := base64.StdEncoding.DecodeString(r.NameBase64)
		if err != nil {
			return nil, err
		}
		name = b
	}
	if r.Value == nil {
		return name, nil
	}
	val := []byte(*r.Value)
	if r.ValueBase64 != "" {
		b, err := base64.StdEncoding.DecodeString(r.ValueBase64)
		if err != nil {
			return nil, err
		}
		val = b
	}
	out := append(name, '=')
	return append(out, val...), nil
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
