package secret

import (
	"encoding/base64"
	"path"
	"strings"
	"unicode/utf8"
)

// Limits of the look inside values (option strings, documents, base64).
const (
	// maxDepth bounds nested decoding: base64 holding a document holding
	// base64 (a kubeconfig's client-key-data) is depth 2.
	maxDepth = 2
	// maxBase64 is the longest base64 word decoded, in bytes of text.
	maxBase64 = 256 << 10
	// minBase64 is the shortest: shorter words are tokens, not documents.
	minBase64 = 24
)

// classifyValueDepth applies the value rules to v, which is depth decodings
// deep.
func classifyValueDepth(v string, depth int) Reason {
	if len(v) < 8 {
		return ""
	}
	if r := shapes(v); r != "" {
		return r
	}
	// Names inside the value: option strings, key=value lists, YAML.
	if strings.ContainsAny(v, " \t\n=") || v[0] == '-' {
		if r := embedded(v, depth); r != "" {
			return r
		}
	} else if r := decodeBase64(v, depth); r != "" {
		return r
	}
	return ""
}

// decodeBase64 classifies what a base64 word decodes to, when it decodes to
// text (a kubeconfig, a Docker config, a PEM key): random bytes are judged
// by the name rules, not here. Words shorter than minBase64 or longer than
// maxBase64, and anything deeper than maxDepth, are not decoded.
func decodeBase64(w string, depth int) Reason {
	if depth >= maxDepth || len(w) < minBase64 || len(w) > maxBase64 {
		return ""
	}
	url, std := false, false
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
		case c == '+' || c == '/':
			std = true
		case c == '-' || c == '_':
			url = true
		case c == '=' && i >= len(w)-2:
		default:
			return ""
		}
	}
	if url && std {
		return ""
	}
	enc := base64.StdEncoding
	if url {
		enc = base64.URLEncoding
	}
	// Most base64 words are key material: give up before decoding the rest
	// when the first three bytes are not printable ASCII, as the documents
	// worth decoding (YAML, JSON, PEM) begin.
	var head [3]byte
	if _, err := enc.Decode(head[:], []byte(w[:4])); err != nil {
		return ""
	}
	for _, c := range head {
		if (c < 0x20 || c >= 0x7f) && c != '\t' && c != '\n' && c != '\r' {
			return ""
		}
	}
	if !strings.HasSuffix(w, "=") {
		enc = enc.WithPadding(base64.NoPadding)
	}
	b, err := enc.DecodeString(w)
	if err != nil || !isText(b) {
		return ""
	}
	return classifyValueDepth(string(b), depth+1)
}

// isText reports valid UTF-8 without control bytes other than tab, CR and
// LF: a document, not key material.
func isText(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return false
		}
	}
	return utf8.Valid(b)
}

// embedded finds secrets named inside a value: an option string
// (JAVA_TOOL_OPTIONS="-Dspring.datasource.password=...",
// EXTRA_ARGS="--db-password ..."), a shell command, a key=value list
// (helm's --set a=1,auth.password=...), YAML "key: value" lines, and base64
// words among them. Names are judged as [Classify] judges variable names.
func embedded(v string, depth int) Reason {
	words := strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' })
	for i, w := range words {
		words[i] = strings.Trim(w, `'"`)
	}
	prog := ""
	if len(words) > 1 && words[0] != "" && words[0][0] != '-' && !strings.ContainsAny(words[0], "=:") {
		prog = path.Base(words[0])
		words = words[1:]
	}
	var found Reason
	scanArgs(prog, words, depth, true, func(a Arg) bool {
		found = a.Reason
		return false
	})
	return found
}

// assignment classifies the word NAME=VALUE, or a ','-separated list of
// such items (helm's --set image.tag=1.2,auth.password=...), each by its
// name. It returns "" when the word does not start with NAME=. Outside
// embedded mode a single item is classified fully, with [Classify].
func assignment(w string, embedded bool) (string, Reason) {
	first, _, _ := strings.Cut(w, ",")
	name, val, ok := strings.Cut(first, "=")
	if !ok || !isOptionName(strings.TrimLeft(name, "-")) {
		return "", ""
	}
	if len(first) == len(w) || !strings.Contains(w[len(first):], "=") {
		// One item: its value is the rest, commas and all.
		val = w[len(name)+1:]
		if embedded {
			return name, classifyByName(name, val)
		}
		return name, Classify(name, val)
	}
	for item := range strings.SplitSeq(w, ",") {
		n, v, ok := strings.Cut(item, "=")
		if ok && isOptionName(strings.TrimLeft(n, "-")) {
			if r := classifyByName(n, v); r != "" {
				return name, r
			}
		}
	}
	if !embedded {
		return name, classifyValue(val)
	}
	return name, ""
}

// isOptionName reports whether s looks like a variable or property name:
// a letter, then letters, digits, '_', '.', '-', '[' or ']'
// (DB_PASSWORD, db-password, spring.datasource.password, auth.users[0]).
func isOptionName(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z' || s[0] == '_') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isWordByte(c) && c != '.' && c != '-' && c != '[' && c != ']' {
			return false
		}
	}
	return true
}

// userPassword reports whether v is USER:PASSWORD as given to -u/--user.
// For curl, wget and etcdctl any password counts; elsewhere -u may take
// USER:GROUP (docker run -u 1000:1000, app:staff), so the part after ':'
// must be neither a number nor a short lower-case name.
func userPassword(prog, v string) bool {
	user, pw, ok := strings.Cut(v, ":")
	if !ok || user == "" || pw == "" || isPlaceholder(pw) {
		return false
	}
	if lenientUserFlag[prog] {
		return true
	}
	if isDigits(pw) {
		return false // uid:gid
	}
	if len(pw) > 16 {
		return true
	}
	for i := 0; i < len(pw); i++ {
		c := pw[i]
		if !(c >= 'a' && c <= 'z' || c == '-' || c == '_') {
			return true
		}
	}
	return false // a short lower-case name: a group
}

// lenientUserFlag: programs whose -u/--user takes USER:PASSWORD.
var lenientUserFlag = map[string]bool{"curl": true, "wget": true, "etcdctl": true}

// kubeBootstrapToken finds a kubeadm bootstrap token, [a-z0-9]{6}.[a-z0-9]{16},
// standing alone (not part of a longer dotted name) and with a digit and a
// letter in its secret part, as generated tokens have.
func kubeBootstrapToken(v string) bool {
	for off := 0; ; {
		i := strings.IndexByte(v[off:], '.')
		if i < 0 {
			return false
		}
		i += off
		off = i + 1
		if i < 6 || i+17 > len(v) {
			continue
		}
		id, sec := v[i-6:i], v[i+1:i+17]
		if !lowerAlnum(id) || !lowerAlnum(sec) {
			continue
		}
		if i > 6 && (isWordByte(v[i-7]) || v[i-7] == '.' || v[i-7] == '-') {
			continue
		}
		if i+17 < len(v) && (isWordByte(v[i+17]) || v[i+17] == '.' || v[i+17] == '-') {
			continue
		}
		if strings.ContainsAny(sec, "0123456789") && strings.ContainsAny(sec, "abcdefghijklmnopqrstuvwxyz") {
			return true
		}
	}
}

func lowerAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9') {
			return false
		}
	}
	return true
}

// privateJWK reports a JSON Web Key with its private member "d" (RSA, EC
// and OKP private keys all have it; public keys never do).
func privateJWK(v string) bool {
	kty, d := false, false
	jsonFields(v, func(key, val string) bool {
		switch key {
		case "kty":
			kty = true
		case "d":
			d = len(val) >= 16
		}
		return !(kty && d)
	})
	return kty && d
}
