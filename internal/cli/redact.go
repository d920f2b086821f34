package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/procscope/procscope/environ"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/secret"
)

// This file is the one place where the example programs decide whether a
// value that can carry a secret is printed as it is or replaced by its
// marker "<redacted:REASON>". Those values are the command-line arguments
// and the environment entries of a process: every output of every example
// (text, table, JSON, read live or from a capture) holds them only as an
// [Args] or an [Env], which a [Secrets] policy makes, redacted unless the
// -show-secrets flag was given. Made by a redacting policy, neither type
// holds the unredacted value, so a printer cannot reveal what it was not
// given. TestSecretsDecidedHere fails
// when an example reads a command line or an environment's values around
// this file.
//
// What is not redacted, and why:
//   - file, socket and executable names (lsfd, inspect's fds, exe, cwd): a
//     name is visible to whoever can list its directory, and an audit needs
//     the container and store IDs that a secret classifier would flag.
//   - comm (15 bytes, set by the program) and user names.
//   - procenv -raw and capture: they exist to copy the exact bytes; -raw is
//     an explicit flag, and a capture is written private (see
//     examples/capture) and redacted again when read back with -root.

// Secrets is the policy: its zero value redacts. Only [SecretsFlag], that is
// the -show-secrets flag, makes one that reveals.
type Secrets struct{ reveal bool }

// SecretsFlag defines the -show-secrets flag on fl and returns the policy it
// sets: redact unless the flag is given.
func SecretsFlag(fl *flag.FlagSet) *Secrets {
	s := &Secrets{}
	fl.BoolVar(&s.reveal, "show-secrets", false, "print secret values instead of <redacted:REASON>")
	return s
}

// Args is a command line as it may be printed: the arguments, with each
// secret replaced by its marker unless the policy revealed them.
type Args struct{ list []string }

// Args applies s to a command line. A nil args (not read) stays nil; an
// empty one (a kernel thread) stays empty.
func (s Secrets) Args(args []string) Args {
	if args == nil {
		return Args{}
	}
	out := args
	if !s.reveal {
		out = secret.RedactArgs(args)
	}
	return Args{list: append(make([]string, 0, len(out)), out...)}
}

// Cmdline reads p's command line and applies s to it.
func (s Secrets) Cmdline(p proc.Process) (Args, error) {
	args, err := p.Cmdline()
	if err != nil {
		return Args{}, err
	}
	if args == nil {
		args = []string{}
	}
	return s.Args(args), nil
}

// List returns the arguments as they may be printed.
func (a Args) List() []string { return a.list }

// Len returns the number of arguments.
func (a Args) Len() int { return len(a.list) }

// IsZero reports whether the command line is absent (not read), for
// encoding/json's omitzero.
func (a Args) IsZero() bool { return a.list == nil }

// String joins the arguments with spaces, as ps prints a command line. It
// does not escape: text printers pass it through [Escape].
func (a Args) String() string { return strings.Join(a.list, " ") }

// Base64 returns each argument's exact bytes in base64 when one of them is
// not valid UTF-8 (which encoding/json would replace with U+FFFD), else nil:
// the JSON key cmdline_base64, beside cmdline. A redacted argument holds its
// marker here too.
func (a Args) Base64() []string {
	if !slices.ContainsFunc(a.list, func(s string) bool { return !utf8.ValidString(s) }) {
		return nil
	}
	out := make([]string, len(a.list))
	for i, s := range a.list {
		out[i] = base64.StdEncoding.EncodeToString([]byte(s))
	}
	return out
}

// MarshalJSON writes the arguments as a JSON list of strings.
func (a Args) MarshalJSON() ([]byte, error) {
	if a.list == nil {
		return []byte("null"), nil
	}
	return marshal(a.list)
}

// Env is an environment as it may be printed: its entries in file order,
// each secret value replaced by its marker unless the policy revealed them.
type Env struct{ records []envRecord }

// Env applies s to a parsed environment: it classifies every entry and
// keeps them in file order, each secret's value replaced by its marker
// unless s reveals.
func (s Secrets) Env(env environ.Env) Env {
	out := make([]envRecord, len(env.Entries))
	for i, en := range env.Entries {
		r := envRecord{Name: en.Name, Reason: en.Classify()}
		r.Secret = r.Reason != ""
		if en.NoEquals && r.Secret && !s.reveal {
			// A secret on its own, without a name: its text is the secret.
			r.Name = secret.Marker(r.Reason)
		} else if !utf8.ValidString(en.Name) {
			r.NameBase64 = base64.StdEncoding.EncodeToString([]byte(en.Name))
		}
		if !en.NoEquals {
			v := en.Value
			if r.Secret && !s.reveal {
				v = secret.Marker(r.Reason)
			} else if !utf8.ValidString(v) {
				r.ValueBase64 = base64.StdEncoding.EncodeToString([]byte(v))
			}
			r.Value = &v
		}
		out[i] = r
	}
	return Env{records: out}
}

// envRecord is the JSON form of one entry, the objects procenv -json
// prints and inspect -json puts under "env": {name, value, secret, reason},
// plus name_base64 / value_base64 holding the exact bytes when the name or
// value is not valid UTF-8 (encoding/json would replace those bytes with
// U+FFFD). Value is nil (JSON null) for an entry without '='. A secret's
// Value is its marker unless revealed, and then ValueBase64 is never set
// for it either. It is unexported so that no printer outside this file
// reaches a value.
type envRecord struct {
	Name        string        `json:"name"`
	Value       *string       `json:"value"`
	Secret      bool          `json:"secret"`
	Reason      secret.Reason `json:"reason"`
	NameBase64  string        `json:"name_base64,omitempty"`
	ValueBase64 string        `json:"value_base64,omitempty"`
}

// Len returns the number of entries.
func (e Env) Len() int { return len(e.records) }

// IsZero reports whether the environment is absent (not read), for
// encoding/json's omitzero.
func (e Env) IsZero() bool { return e.records == nil }

// Lines returns each entry as "NAME=VALUE", or NAME for an entry without
// '='. It does not escape: text printers pass each line through [Escape].
func (e Env) Lines() []string {
	out := make([]string, len(e.records))
	for i, r := range e.records {
		out[i] = r.Name
		if r.Value != nil {
			out[i] += "=" + *r.Value
		}
	}
	return out
}

// MarshalJSON writes the entries as a JSON list of {name, value, secret,
// reason, name_base64, value_base64}.
func (e Env) MarshalJSON() ([]byte, error) {
	if e.records == nil {
		return []byte("null"), nil
	}
	return marshal(e.records)
}

// marshal is json.Marshal without HTML escaping: the encoder that calls a
// MarshalJSON decides that ("<redacted:...>" stays readable under
// SetEscapeHTML(false)).
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// String is for %v: the lines, quoted, as one line.
func (e Env) String() string {
	lines := e.Lines()
	for i, l := range lines {
		lines[i] = strconv.Quote(l)
	}
	return "[" + strings.Join(lines, " ") + "]"
}
