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

// shortPasswordFlags are the programs whose -p (or -a, --pass) takes the
// password itself; elsewhere -p is a port, a parent-directory switch, ...
var shortPasswordFlags = map[string]string{
	"mysql": "-p", "mysqldump": "-p", "mysqladmin": "-p", "mysqlimport": "-p", "mysqlshow": "-p",
	"mysqlcheck": "-p", "mariadb": "-p", "mariadb-dump": "-p", "mariadb-admin": "-p",
	"sshpass": "-p", "mongo": "-p", "mongosh": "-p", "mongodump": "-p", "mongorestore": "-p",
	"mongoexport": "-p", "mongoimport": "-p", "redis-cli": "-a", "valkey-cli": "-a",
}

// ClassifyArgs finds secrets passed as arguments, in the forms:
//   - --password=VALUE, --db-token=VALUE, -token=VALUE: the flag name is
//     classified like a variable name with VALUE
//   - --password VALUE: a flag whose name says password, secret, token, api
//     key, credentials or private key, followed by a value
//   - NAME=VALUE (env(1), docker -e): classified as a variable
//   - -pVALUE and -p VALUE for mysql, mariadb, mongo and sshpass, -a VALUE
//     for redis-cli
//   - curl/wget -u user:password and --user user:password
//   - any argument whose value shape is a secret (token formats, URLs with
//     user:password@, connection strings, PEM keys, JWTs, Bearer headers)
//
// args[0] is the program.
func ClassifyArgs(args []string) []Arg {
	var out []Arg
	prog := ""
	if len(args) > 0 {
		prog = path.Base(args[0])
	}
	short := shortPasswordFlags[prog]
	for i := 1; i < len(args); i++ {
		a := args[i]
		next := func() (string, bool) {
			if i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				return args[i+1], true
			}
			return "", false
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flag, val, hasEq := strings.Cut(a, "=")
			switch {
			case hasEq:
				if r := Classify(flag, val); r != "" {
					out = append(out, Arg{Index: i, Name: flag, Reason: r})
					continue
				}
			case short != "" && flag == short:
				if v, ok := next(); ok && v != "" {
					out = append(out, Arg{Index: i + 1, Name: flag, Reason: ReasonPassword})
					i++
					continue
				}
			case short != "" && strings.HasPrefix(flag, short) && !strings.HasPrefix(flag, "--"):
				out = append(out, Arg{Index: i, Name: short, Reason: ReasonPassword})
				continue
			case (flag == "-u" || flag == "--user") && (prog == "curl" || prog == "wget"):
				if v, ok := next(); ok {
					if _, pw, ok := strings.Cut(v, ":"); ok && pw != "" {
						out = append(out, Arg{Index: i + 1, Name: flag, Reason: ReasonBasicAuth})
						i++
						continue
					}
				}
			default:
				if h := nameHint(flag); h.strong {
					if v, ok := next(); ok {
						if r := classifyByName(flag, v); r != "" {
							out = append(out, Arg{Index: i + 1, Name: flag, Reason: r})
							i++
							continue
						}
					}
				}
			}
		} else if name, val, ok := strings.Cut(a, "="); ok && name != "" && isEnvName(name) {
			if r := Classify(name, val); r != "" {
				out = append(out, Arg{Index: i, Name: name, Reason: r})
				continue
			}
		}
		if r := classifyValue(a); r != "" {
			out = append(out, Arg{Index: i, Reason: r})
		}
	}
	return out
}

// isEnvName reports whether s looks like a variable name (letters, digits,
// '_', not starting with a digit), as in "env NAME=VALUE cmd".
func isEnvName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	return isIdent(s)
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
