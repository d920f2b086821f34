package secret

import (
	"strings"
	"unicode/utf8"
)

// hint is what a variable or flag name says about its value.
type hint struct {
	reason Reason
	strong bool // the name alone is enough, given a credential-like value
	pw     bool // a password: short or simple values count too
}

// metadataWords end names that describe a secret rather than hold it:
// PASSWORD_MIN_LENGTH, TOKEN_URL, SECRET_NAME, KEY_FILE, API_KEY_ID.
var metadataWords = map[string]bool{
	"url": true, "uri": true, "urls": true, "endpoint": true, "endpoints": true, "host": true,
	"hostname": true, "port": true, "addr": true, "address": true, "server": true, "domain": true,
	"file": true, "files": true, "filename": true, "path": true, "paths": true, "dir": true,
	"directory": true, "folder": true, "location": true, "mount": true, "sock": true, "socket": true,
	"name": true, "names": true, "id": true, "ids": true, "arn": true, "ref": true, "label": true,
	"kind": true, "type": true, "types": true, "mode": true, "method": true, "format": true,
	"length": true, "len": true, "min": true, "max": true, "minimum": true, "maximum": true,
	"size": true, "count": true, "limit": true, "ttl": true, "expiry": true, "expiration": true,
	"expires": true, "expire": true, "lifetime": true, "timeout": true, "duration": true, "age": true,
	"interval": true, "period": true, "retries": true, "attempts": true,
	"enabled": true, "enable": true, "disabled": true, "disable": true, "required": true,
	"policy": true, "policies": true, "version": true, "header": true, "prefix": true, "suffix": true,
	"algorithm": true, "alg": true, "algo": true, "cipher": true, "rotation": true, "complexity": true,
	"strength": true, "pattern": true, "regex": true, "hint": true, "rules": true, "level": true,
	"user": true, "username": true, "login": true, "email": true, "owner": true,
	"provider": true, "service": true, "backend": true, "store": true, "vault": true, "manager": true,
	"scope": true, "scopes": true, "audience": true, "issuer": true, "realm": true, "agent": true,
	"env": true, "var": true, "variable": true, "field": true, "param": true, "parameter": true,
	"source": true, "helper": true, "command": true, "cmd": true, "program": true, "prompt": true,
	"generator": true, "fingerprint": true, "checksum": true, "digest": true,
	"public": true, "pub": true, "cert": true, "certificate": true, "crt": true,
	"secretary": true, "tokenizer": true, "tokenizers": true, "class": true, "classes": true,
	"hasher": true, "hashers": true, "validator": true, "validators": true, "module": true,
	"plugin": true, "plugins": true, "strategy": true, "backends": true, "namespace": true,
	"permissions": true, "permission": true, "role": true, "roles": true, "group": true,
	"template": true, "schema": true, "mapping": true, "claim": true, "claims": true,
}

// splitName appends to dst the words of a variable or flag name, lower
// case, split at non-alphanumeric bytes and camelCase humps:
// "dbPassword_2" -> db password 2.
func splitName(dst []string, name string) []string {
	// Lower-case ASCII only, byte for byte: the words are found by byte
	// offsets in name, and strings.ToLower may change the length ("İ").
	lower := name // words are slices of it
	for i := 0; i < len(name); i++ {
		if name[i] >= 'A' && name[i] <= 'Z' {
			var sb strings.Builder
			sb.Grow(len(name))
			for j := 0; j < len(name); j++ {
				c := name[j]
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				sb.WriteByte(c)
			}
			lower = sb.String()
			break
		}
	}
	start := -1
	for i := 0; i <= len(name); i++ {
		var c byte
		alnum := false
		if i < len(name) {
			c = name[i]
			alnum = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		}
		// A word ends before a non-alphanumeric byte, at the end, and
		// before the upper-case letter of a camelCase hump.
		hump := alnum && start >= 0 && c >= 'A' && c <= 'Z' && name[i-1] >= 'a' && name[i-1] <= 'z'
		if (!alnum || hump) && start >= 0 {
			dst = append(dst, lower[start:i])
			start = -1
		}
		if alnum && start < 0 {
			start = i
		}
	}
	return dst
}

// lastWord returns the last word of name, ignoring trailing numbers.
func lastWord(name string) string {
	var buf [8]string
	words := splitName(buf[:0], name)
	for len(words) > 0 && isDigits(words[len(words)-1]) {
		words = words[:len(words)-1]
	}
	if len(words) == 0 {
		return ""
	}
	return words[len(words)-1]
}

// nameHint reads the name's words. It returns the zero hint when the name
// says nothing about credentials, or ends in a metadata word.
func nameHint(name string) hint {
	var buf [8]string
	words := splitName(buf[:0], name)
	// Ignore trailing numbers and environment qualifiers: API_KEY_2.
	for len(words) > 0 && isDigits(words[len(words)-1]) {
		words = words[:len(words)-1]
	}
	if len(words) == 0 {
		return hint{}
	}
	if metadataWords[words[len(words)-1]] {
		return hint{}
	}
	if len(words) == 1 && (words[0] == "pwd" || words[0] == "oldpwd") {
		return hint{} // the shell's working directory
	}
	var best hint
	set := func(h hint) {
		if best.reason == "" || (h.strong && !best.strong) || (h.pw && !best.pw) {
			best = h
		}
	}
	for i, w := range words {
		next := ""
		if i+1 < len(words) {
			next = words[i+1]
		}
		prev := ""
		if i > 0 {
			prev = words[i-1]
		}
		switch {
		case strings.Contains(w, "password") || strings.Contains(w, "passwd") ||
			strings.Contains(w, "passphrase") || strings.Contains(w, "passcode") || w == "pass" || w == "pwd" || w == "pw" ||
			strings.HasSuffix(w, "pass") && len(w) <= 12 && w != "bypass" && w != "trespass" && w != "overpass" && w != "underpass" && w != "compass" && w != "askpass" ||
			w == "pin" && (prev == "sim" || prev == "card" || prev == "user"):
			set(hint{reason: ReasonPassword, strong: true, pw: true})
		case strings.Contains(w, "privatekey") || w == "private" && (next == "key" || next == "pem"):
			set(hint{reason: ReasonPrivateKey, strong: true})
		case strings.Contains(w, "secret"):
			set(hint{reason: ReasonSecret, strong: true})
		case w == "token" && prev == "cluster" && i >= 2 && words[i-2] == "initial":
			// etcd's --initial-cluster-token names the cluster; not a credential.
		case strings.Contains(w, "token") && !strings.HasPrefix(w, "tokeniz"):
			set(hint{reason: ReasonToken, strong: true})
		case strings.Contains(w, "apikey") || w == "api" && next == "key" || w == "x" && next == "api":
			set(hint{reason: ReasonAPIKey, strong: true})
		case strings.Contains(w, "credential") || w == "creds" || w == "cred":
			set(hint{reason: ReasonCredentials, strong: true})
		case (w == "key" || strings.HasSuffix(w, "key") && len(w) > 3) && prev != "public" && prev != "pub" && prev != "publishable" && !notCredentialKey[prev] &&
			!strings.HasSuffix(w, "monkey") && !strings.HasSuffix(w, "hotkey") && w != "turnkey" && w != "hockey" && w != "jockey" && w != "donkey" && w != "whiskey":
			if w == "accesskey" || w == "secretkey" || w == "signingkey" || w == "masterkey" ||
				w == "encryptionkey" || w == "authkey" || w == "sessionkey" || w == "licensekey" ||
				w == "key" && (prev == "access" || prev == "signing" || prev == "master" ||
					prev == "encryption" || prev == "auth" || prev == "session" || prev == "license" ||
					prev == "app" || prev == "client" || prev == "account" || prev == "service" ||
					prev == "shared" || prev == "hmac" || prev == "jwt" || prev == "sign" || prev == "crypt" ||
					prev == "encrypt" || prev == "cipher" || prev == "storage" || prev == "subscription") {
				set(hint{reason: ReasonHighEntropy, strong: true})
			} else {
				set(hint{reason: ReasonHighEntropy})
			}
		case w == "auth" || w == "authorization" || w == "oauth" || w == "authn" || w == "salt" ||
			w == "pepper" || w == "hmac" || w == "signature" || w == "sig" || w == "dsn" || w == "pat" ||
			w == "sas" || w == "cookie" || w == "nonce" || w == "otp" || w == "totp" || w == "seed" ||
			w == "bearer" || w == "jwt" || w == "webhook" || w == "license" || w == "licence":
			set(hint{reason: ReasonHighEntropy})
		}
	}
	return best
}

// classifyByName applies the name rules to name=value.
func classifyByName(name, value string) Reason {
	h := nameHint(name)
	if h.reason == "" {
		return ""
	}
	v := strings.TrimSpace(value)
	if isMetadataValue(v) {
		return ""
	}
	if h.pw {
		// Passwords are often short and simple; only rule out trivia.
		if len(v) < 3 || isDigits(v) && len(v) < 4 {
			return ""
		}
		return h.reason
	}
	if strings.ContainsAny(v, " \t\n") {
		return "" // prose, a list of names, a command line
	}
	if h.strong {
		if credentialLike(v, 8) {
			return h.reason
		}
		return ""
	}
	if len(v) >= 16 && credentialLike(v, 16) && entropy(v) >= 3.3 {
		return h.reason
	}
	return ""
}

// isMetadataValue reports values that cannot be the credential itself:
// empty, a placeholder, a boolean, a small number, a duration, a path, a
// URL without credentials, a plain hostname, an email address.
func isMetadataValue(v string) bool {
	if v == "" || isPlaceholder(v) || isPlaceholderWord(v) {
		return true
	}
	switch strings.ToLower(v) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "enabled", "disabled", "enable", "disable",
		"required", "optional", "none", "auto", "default":
		return true
	}
	if isDigits(v) && len(v) < 8 {
		return true
	}
	if isDuration(v) {
		return true
	}
	if isPath(v) {
		return true
	}
	if strings.Contains(v, "://") {
		return true // credentials in a URL were checked by the value rules
	}
	if strings.HasPrefix(v, "arn:") || strings.HasPrefix(v, "projects/") {
		return true // a reference to a secret manager entry
	}
	if isHostname(v) || isEmail(v) {
		return true
	}
	if isDigest(v) || isFingerprint(v) || isObjectPath(v) {
		return true
	}
	if strings.HasPrefix(v, "pk_live_") || strings.HasPrefix(v, "pk_test_") {
		return true // a publishable key: shipped to browsers by design
	}
	if (v[0] == '{' && v[len(v)-1] == '}') || (v[0] == '[' && v[len(v)-1] == ']') {
		return true // a JSON document: judged by its fields (value rules), not by the name above it
	}
	return false
}

// isDigest matches ALGORITHM:HEX such as sha256:9f86d0..., a hash of public
// data (kubeadm's --discovery-token-ca-cert-hash, an image digest).
func isDigest(v string) bool {
	algo, hex, ok := strings.Cut(v, ":")
	if !ok || len(algo) > 6 || len(hex) < 32 {
		return false
	}
	switch strings.ToLower(algo) {
	case "md5", "sha1", "sha224", "sha256", "sha384", "sha512":
		return isHexFold(hex)
	}
	return false
}

// isFingerprint matches an OpenPGP fingerprint or key ID as gpg prints
// them: 40 upper-case hex digits, alone or in groups of four, or 0x and 16
// or 40 hex digits. They identify public keys.
func isFingerprint(v string) bool {
	if len(v) > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X') {
		return (len(v) == 18 || len(v) == 42) && isHexFold(v[2:])
	}
	if len(v) != 40 && len(v) != 49 {
		return false
	}
	n := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9' || c >= 'A' && c <= 'F':
			n++
		case c == ' ' && len(v) == 49 && i%5 == 4:
		default:
			return false
		}
	}
	return n == 40
}

// isHexFold reports hex digits of either case.
func isHexFold(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return s != ""
}

// isObjectPath matches a relative path of object-store or file names,
// such as backups/2026/db.sql.gz under S3_KEY: two or more '/'-separated
// segments of file-name characters, none of them random-looking (a
// base64 key has '/' too, but long mixed-case segments without the '.',
// '-' or '_' of file names).
func isObjectPath(v string) bool {
	if strings.Count(v, "/") == 0 {
		return false
	}
	for seg := range strings.SplitSeq(v, "/") {
		if seg == "" {
			return false
		}
		c := classesOf(seg, ".-_")
		if c.symbol || c.other || len(seg) >= 16 && c.lower && c.upper && c.digit && !c.sep {
			return false
		}
	}
	return true
}

// isPath reports a file path: absolute (unless it is a base64 key that
// starts with '/'), relative to . .. or ~, a file: URL or a Windows path.
func isPath(v string) bool {
	return v != "" && (v[0] == '/' && !randomBase64(v) || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "../") || strings.HasPrefix(v, "~/") ||
		strings.HasPrefix(v, "file:") || len(v) > 2 && v[1] == ':' && (v[2] == '\\' || v[2] == '/'))
}

// isPlaceholderWord: all-caps or lower-case placeholder words such as
// YOUR_TOKEN_HERE, <none>, "not-set".
func isPlaceholderWord(v string) bool {
	l := strings.ToLower(v)
	return strings.HasPrefix(l, "your") && (strings.Contains(l, "here") || strings.Contains(l, "token") ||
		strings.Contains(l, "key") || strings.Contains(l, "secret") || strings.Contains(l, "password")) ||
		l == "not-set" || l == "notset" || l == "not_set" || l == "n/a" || l == "na" || l == "-"
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isDuration matches 30s, 15m, 24h, 7d, 1h30m, 500ms.
func isDuration(s string) bool {
	i := 0
	for i < len(s) {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i {
			return false
		}
		k := j
		for k < len(s) && s[k] >= 'a' && s[k] <= 'z' {
			k++
		}
		switch s[j:k] {
		case "ns", "us", "ms", "s", "m", "h", "d", "w", "y", "sec", "min", "hr", "days", "hours", "minutes", "seconds":
		default:
			return false
		}
		i = k
	}
	return len(s) > 0
}

// isHostname matches lower-case dotted names such as db.internal.example.com
// or an IPv4 address, optionally with a port.
func isHostname(s string) bool {
	if c := strings.LastIndexByte(s, ':'); c > 0 && isDigits(s[c+1:]) {
		s = s[:c]
	}
	if strings.Count(s, ".") == 0 {
		return s == "localhost"
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

func isEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && strings.Count(s, "@") == 1 && isHostname(s[at+1:]) && strings.Contains(s[at+1:], ".")
}

// credentialLike reports whether v looks generated or chosen as a
// credential rather than being an identifier such as "my-secret" or
// "default": at least min bytes and either two character classes among
// lower, upper and digits plus some randomness, or symbols mixed in.
// Non-UTF-8 bytes count as a class of their own.
func credentialLike(v string, min int) bool {
	if len(v) < min {
		return false
	}
	c := classesOf(v, "-_.") // separators of identifiers: no class
	classes := 0
	for _, b := range [...]bool{c.lower, c.upper, c.digit, c.symbol, c.other} {
		if b {
			classes++
		}
	}
	if isDigits(v) {
		return len(v) >= 16
	}
	if classes < 2 {
		// One class of letters: accept only long random-looking strings.
		return len(v) >= 24 && entropy(v) >= 4.0
	}
	return entropy(v) >= 2.8
}

// randomBase64 tells a base64 key that happens to start with '/' from a
// path: only base64 characters, all three letter-and-digit classes, long and
// high entropy.
func randomBase64(v string) bool {
	if len(v) < 20 {
		return false
	}
	c := classesOf(v, "+/=")
	return !c.symbol && !c.other && c.lower && c.upper && c.digit && entropy(v) >= 4.0
}

// charClasses says which kinds of byte a string holds: lower, upper and
// digit; sep, a byte of the separators asked for; symbol, any other ASCII
// byte; other, a byte of a multi-byte (or invalid) UTF-8 sequence.
type charClasses struct{ lower, upper, digit, sep, symbol, other bool }

func classesOf(s, seps string) (c charClasses) {
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case 'a' <= b && b <= 'z':
			c.lower = true
		case 'A' <= b && b <= 'Z':
			c.upper = true
		case '0' <= b && b <= '9':
			c.digit = true
		case strings.IndexByte(seps, b) >= 0:
			c.sep = true
		case b < utf8.RuneSelf:
			c.symbol = true
		default:
			c.other = true
		}
	}
	return c
}

// notCredentialKey: KEY after these words is a data key, not a credential
// (CACHE_KEY, PARTITION_KEY, IDEMPOTENCY_KEY).
var notCredentialKey = map[string]bool{
	"cache": true, "partition": true, "sort": true, "routing": true, "primary": true, "foreign": true,
	"lookup": true, "dedup": true, "idempotency": true, "object": true, "map": true, "hot": true,
	"gpg": true, "pgp": true, "kms": true, "ssh": true, "host": true, "site": true,
}
