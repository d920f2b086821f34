package secret

import (
	"path"
	"strings"
)

// Arg is a secret found in a command line by [ClassifyArgs].
type Arg struct {
	Index  int    // the argument holding the secret value
	Name   string // the flag or variable naming it ("--password", "PGPASSWORD"), or "" for a value shape
	Reason Reason
}

// shortPasswordFlags are the programs whose short switch takes the
// password itself; elsewhere -p is a port, a parent-directory switch, ...
// mysql and mariadb take it only attached (-pSECRET): "-p NAME" prompts for
// the password and NAME is the database.
var shortPasswordFlags = map[string]struct {
	flag     string
	separate bool // "-p SECRET" as two arguments too
}{
	"mysql": {"-p", false}, "mysqldump": {"-p", false}, "mysqladmin": {"-p", false}, "mysqlimport": {"-p", false},
	"mysqlshow": {"-p", false}, "mysqlcheck": {"-p", false}, "mariadb": {"-p", false}, "mariadb-dump": {"-p", false},
	"mariadb-admin": {"-p", false},
	"sshpass":       {"-p", true}, "mongo": {"-p", true}, "mongosh": {"-p", true}, "mongodump": {"-p", true},
	"mongorestore": {"-p", true}, "mongoexport": {"-p", true}, "mongoimport": {"-p", true},
	"redis-cli": {"-a", true}, "valkey-cli": {"-a", true},
	"ldapsearch": {"-w", true}, "ldapmodify": {"-w", true}, "ldapadd": {"-w", true}, "ldapdelete": {"-w", true},
	"ldapwhoami": {"-w", true}, "ldappasswd": {"-w", true}, "ldapcompare": {"-w", true}, "ldapmodrdn": {"-w", true},
}

// ClassifyArgs finds secrets passed as arguments, in the forms:
//   - --password=VALUE, --db-token=VALUE, -Dspring.datasource.password=VALUE:
//     the flag name is classified like a variable name with VALUE
//   - --password VALUE: a flag whose name says password, secret, token, api
//     key, credentials or private key, followed by a value
//   - NAME=VALUE (env(1), docker -e, helm --set): classified as a variable;
//     NAME may be dotted or dashed (db-password, auth.rootPassword), and
//     VALUE a ','-separated list of such items
//   - -pVALUE for mysql and mariadb, -p VALUE for mongo and sshpass, -a
//     VALUE for redis-cli, -w VALUE for the OpenLDAP tools, and -p VALUE
//     after a "login" subcommand (docker, podman, helm registry login)
//   - pass:VALUE, openssl's -passin and -passout argument
//   - -u/--user USER:PASSWORD (curl, wget, etcdctl; elsewhere only when
//     PASSWORD cannot be a group)
//   - any argument whose value holds a secret: token formats, URLs with
//     user:password@, connection strings, PEM keys, JWTs, Bearer headers,
//     and the option strings, YAML, JSON and base64 documents [Classify]
//     looks into (sh -c "curl -u admin:...")
//
// args[0] is the program.
func ClassifyArgs(args []string) []Arg {
	if len(args) < 2 {
		return nil
	}
	var out []Arg
	scanArgs(path.Base(args[0]), args[1:], 0, false, func(a Arg) bool {
		a.Index++
		out = append(out, a)
		return true
	})
	return out
}

// scanArgs applies ClassifyArgs' rules to the arguments of prog, calling
// yield with each finding (Index counted in args) until it returns false.
// In embedded mode args are the words of a value seen depth decodings
// deep: names are judged by name only (the value's shapes were judged
// whole), base64 words are decoded, and YAML "key: value" pairs count.
func scanArgs(prog string, args []string, depth int, embedded bool, yield func(Arg) bool) {
	short, hasShort := shortPasswordFlags[prog]
	login := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() (string, bool) {
			if i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				return args[i+1], true
			}
			return "", false
		}
		found := func(index int, name string, r Reason) bool {
			return yield(Arg{Index: index, Name: name, Reason: r})
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flag, val, hasEq := strings.Cut(a, "=")
			var r Reason
			idx, skip := i, false
			switch {
			case (flag == "-u" || flag == "--user") && hasEq:
				if userPassword(prog, val) {
					r = ReasonBasicAuth
				}
			// The attached forms come before NAME=VALUE: their value may
			// hold '=' (a base64 password ends with it), which does not
			// make the switch a name.
			case hasShort && len(a) > len(short.flag) && strings.HasPrefix(a, short.flag) && !strings.HasPrefix(a, "--"):
				if found(i, short.flag, ReasonPassword) {
					continue
				}
				return
			case strings.HasPrefix(flag, "-u") && len(flag) > 2 && flag[1] != '-' && strings.IndexByte(flag, ':') > 0:
				if userPassword(prog, a[2:]) {
					r, flag = ReasonBasicAuth, "-u" // curl -uUSER:PASSWORD; the name must not carry it
				}
			case hasEq:
				if embedded {
					// -Dspring.datasource.password=..., --set=a=1,b.password=...
					if _, r = assignment(a, true); r == "" {
						_, r = assignment(val, true)
					}
				} else {
					r = Classify(flag, val)
				}
			case hasShort && flag == short.flag && short.separate, flag == "-p" && login:
				if v, ok := next(); ok && v != "" {
					r, idx, skip = ReasonPassword, i+1, true
				}
			case flag == "-u" || flag == "--user":
				if v, ok := next(); ok && userPassword(prog, v) {
					r, idx, skip = ReasonBasicAuth, i+1, true
				}
			default:
				if h := nameHint(flag); h.strong {
					if v, ok := next(); ok {
						if embedded {
							r = classifyByName(flag, v) // shapes were judged on the whole value
						} else {
							r = Classify(flag, v)
						}
						if r != "" {
							idx, skip = i+1, true
						}
					}
				}
			}
			if r != "" {
				if !found(idx, flag, r) {
					return
				}
				if skip {
					i++
				}
				continue
			}
		} else if name, r := assignment(a, embedded); r != "" {
			if !found(i, name, r) {
				return
			}
			continue
		} else if a == "login" {
			login = true
		} else if embedded && len(a) > 1 && a[len(a)-1] == ':' && i+1 < len(args) {
			// YAML "key: value", a header "X-Api-Key: value".
			if r := classifyByName(a[:len(a)-1], args[i+1]); r != "" {
				if !found(i+1, a[:len(a)-1], r) {
					return
				}
				i++
				continue
			}
		}
		var r Reason
		switch {
		case len(a) > len("pass:") && strings.HasPrefix(a, "pass:"):
			r = ReasonPassword // openssl's -passin/-passout pass:PASSWORD
		case embedded:
			r = decodeBase64(a, depth)
		default:
			r = classifyValue(a)
		}
		if r != "" && !found(i, "", r) {
			return
		}
	}
}

// RedactArgs returns a copy of args with each secret of ClassifyArgs
// replaced by its marker: "--password=<redacted:password>" keeps the flag,
// "-p<redacted:password>" keeps mysql's switch, other arguments are replaced
// whole.
func RedactArgs(args []string) []string {
	out := append([]string(nil), args...)
	for _, s := range ClassifyArgs(args) {
		a := out[s.Index]
		switch {
		case s.Name != "" && strings.HasPrefix(a, s.Name+"="):
			out[s.Index] = s.Name + "=" + Marker(s.Reason)
		case s.Name != "" && strings.HasPrefix(s.Name, "-") && len(a) > len(s.Name) && strings.HasPrefix(a, s.Name):
			out[s.Index] = s.Name + Marker(s.Reason)
		default:
			out[s.Index] = Marker(s.Reason)
		}
	}
	return out
}
