package cli

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/procscope/procscope/environ"
)

const planted = "hunter2-Zq8vR3xK9mW2pL7t"

func policy(t *testing.T, args ...string) Secrets {
	t.Helper()
	fl := flag.NewFlagSet("test", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	s := SecretsFlag(fl)
	if err := fl.Parse(args); err != nil {
		t.Fatal(err)
	}
	return *s
}

func TestSecretsArgs(t *testing.T) {
	cmd := []string{"server", "--password=" + planted, "-v"}
	red := policy(t).Args(cmd)
	js, err := marshal(struct {
		C Args `json:"cmdline,omitzero"`
	}{red})
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"String": red.String(), "List": strings.Join(red.List(), " "), "JSON": string(js)} {
		if strings.Contains(out, planted) || !strings.Contains(out, "--password=<redacted:password>") {
			t.Errorf("redacted %s = %s; want the marker in place of the password", name, out)
		}
	}
	if got := string(js); !strings.Contains(got, `=<redacted:`) {
		t.Errorf("JSON %s: want the marker unescaped by the Args itself", got)
	}
	if cmd[1] != "--password="+planted {
		t.Errorf("Args changed its input: %q", cmd)
	}
	shown := policy(t, "-show-secrets").Args(cmd)
	if !slices.Equal(shown.List(), cmd) {
		t.Errorf("-show-secrets Args = %q; want %q", shown.List(), cmd)
	}
	if !(Secrets{}).Args(nil).IsZero() || (Secrets{}).Args([]string{}).IsZero() {
		t.Error("Args: want nil (not read) zero and empty (kernel thread) not zero")
	}
	if b, _ := json.Marshal((Secrets{}).Args([]string{})); string(b) != "[]" {
		t.Errorf("empty Args JSON = %s; want []", b)
	}
}

func TestSecretsEnv(t *testing.T) {
	env := environ.ParseString("HOME=/root\x00DB_PASSWORD=" + planted + "\x00BARE\x00")
	red := policy(t).Env(env)
	want := []string{"HOME=/root", "DB_PASSWORD=<redacted:password>", "BARE"}
	if got := red.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines = %q; want %q", got, want)
	}
	js, err := marshal(red)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(js), planted) || strings.Contains(red.String(), planted) || strings.Contains(string(js), `\u003c`) {
		t.Errorf("redacted Env JSON %s, String %s: want the marker, HTML unescaped", js, red)
	}
	var recs []envRecord
	if err := json.Unmarshal(js, &recs); err != nil || len(recs) != 3 || !recs[1].Secret || recs[2].Value != nil {
		t.Errorf("Env JSON %s: want 3 records, the second secret, the third without value (%v)", js, err)
	}
	shown := policy(t, "-show-secrets").Env(env)
	if got := shown.Lines()[1]; got != "DB_PASSWORD="+planted {
		t.Errorf("-show-secrets line = %q", got)
	}
	if !(Env{}).IsZero() || (Secrets{}).Env(environ.Env{}).IsZero() {
		t.Error("Env: want the zero Env zero and an empty environment not")
	}
}

// TestSecretsEnvExact: with -show-secrets, the JSON records rebuild every
// entry byte for byte (invalid UTF-8 through name_base64/value_base64); a
// redacted secret never carries its bytes in value_base64.
func TestSecretsEnvExact(t *testing.T) {
	for _, block := range []string{
		"", "A=1\x00", "A=1\x00B", "=x\x00=\x00\x00", "N\xff=\xfe\x00", "A=b=c\x00A=d\x00",
		"DB_PASSWORD=\xff" + planted + "\x00HOME=/r\xc3\x00",
	} {
		env := environ.ParseString(block)
		js, err := json.Marshal(policy(t, "-show-secrets").Env(env))
		if err != nil {
			t.Fatal(err)
		}
		var back []envRecord
		if err := json.Unmarshal(js, &back); err != nil || len(back) != len(env.Entries) {
			t.Fatalf("%q: records %s, %v; want %d", block, js, err, len(env.Entries))
		}
		for i, r := range back {
			if got := rebuildEntry(t, r); got != env.Entries[i].Raw() {
				t.Errorf("%q: record %d rebuilds %q, want %q", block, i, got, env.Entries[i].Raw())
			}
		}
		red, err := json.Marshal(policy(t).Env(env))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(red), planted) || strings.Contains(string(red), base64.StdEncoding.EncodeToString([]byte("\xff"+planted))) {
			t.Errorf("%q: redacted records %s carry the secret", block, red)
		}
	}
}

func rebuildEntry(t *testing.T, r envRecord) string {
	t.Helper()
	field := func(s, b64 string) string {
		if b64 == "" {
			return s
		}
		b, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	name := field(r.Name, r.NameBase64)
	if r.Value == nil {
		return name
	}
	return name + "=" + field(*r.Value, r.ValueBase64)
}

// secretSources are the objects whose values can carry a secret, or that
// decide redaction: outside this file, the examples must not use them.
// Keys are package name (environ, or secret once the classifier moves
// there; proc) and object name ("Type.Member" for fields and methods).
var secretSources = map[string]string{
	"proc.Process.Cmdline": "read the command line with Secrets.Cmdline",
	"proc.Info.Cmdline":    "pass it straight to Secrets.Args",
	"Entry.Value":          "print an environment through Secrets.Env",
	"Entry.Raw":            "print an environment through Secrets.Env",
	"Entry.String":         "print an environment through Secrets.Env",
	"Env.Entries":          "print an environment through Secrets.Env",
	"Env.Lookup":           "print an environment through Secrets.Env",
	"RedactArgs":           "the policy decides: Secrets.Args",
	"Redact":               "the policy decides: Secrets.Env",
	"Marker":               "the policy decides",
}

// TestSecretsDecidedHere type-checks the example programs and fails when
// one uses a command line or an environment's values other than through
// this file's policy: the guard that keeps a new printer from forgetting
// redaction. (procenv -raw writes Env.Bytes, an explicit reveal flag.)
func TestSecretsDecidedHere(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	list, err := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}} {{.Export}}", "../../examples/...").Output()
	if err != nil {
		t.Fatalf("go list -export: %v", err)
	}
	exports := map[string]string{}
	for line := range strings.Lines(string(list)) {
		if path, file, ok := strings.Cut(strings.TrimSpace(line), " "); ok && file != "" {
			exports[path] = file
		}
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		return os.Open(exports[path])
	})
	dirs, err := filepath.Glob("../../examples/*")
	if err != nil || len(dirs) < 6 {
		t.Fatalf("examples: %q, %v; want the six example programs", dirs, err)
	}
	checked := 0
	for _, dir := range dirs {
		names, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		var files []*ast.File
		for _, n := range names {
			if strings.HasSuffix(n, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, n, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		if len(files) == 0 {
			continue
		}
		info := &types.Info{Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
		conf := types.Config{Importer: imp}
		if _, err := conf.Check(dir, fset, files, info); err != nil {
			t.Fatalf("type-check %s: %v", dir, err)
		}
		checked++
		allowed := map[*ast.SelectorExpr]bool{} // info.Cmdline passed straight to Secrets.Args
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) != 1 {
					return true
				}
				if fn, ok := call.Fun.(*ast.SelectorExpr); ok && fn.Sel.Name == "Args" {
					if sel, ok := info.Selections[fn]; ok && objName(sel.Obj()) == "Secrets.Args" {
						if arg, ok := call.Args[0].(*ast.SelectorExpr); ok {
							allowed[arg] = true
						}
					}
				}
				return true
			})
			ast.Inspect(f, func(n ast.Node) bool {
				id, ok := n.(*ast.Ident)
				if !ok {
					return true
				}
				obj := info.Uses[id]
				if obj == nil || obj.Pkg() == nil {
					return true
				}
				name := objName(obj)
				why, bad := secretSources[name]
				if !bad {
					why, bad = secretSources[obj.Pkg().Name()+"."+name]
				}
				switch obj.Pkg().Name() {
				case "environ", "secret", "proc":
				default:
					bad = false
				}
				if bad && !isAllowed(id, allowed) {
					t.Errorf("%s: uses %s.%s: %s (internal/cli/redact.go decides redaction)", fset.Position(id.Pos()), obj.Pkg().Name(), name, why)
				}
				return true
			})
		}
	}
	if checked < 6 {
		t.Errorf("checked %d example programs; want 6", checked)
	}
}

// objName is "Type.Member" for a field or method, else the object's name.
func objName(obj types.Object) string {
	if v, ok := obj.(*types.Var); ok && v.IsField() {
		return fieldOwner(obj) + obj.Name()
	}
	if fn, ok := obj.(*types.Func); ok {
		if recv := fn.Signature().Recv(); recv != nil {
			t := recv.Type()
			if p, ok := t.(*types.Pointer); ok {
				t = p.Elem()
			}
			if n, ok := t.(*types.Named); ok {
				return n.Obj().Name() + "." + obj.Name()
			}
		}
	}
	return obj.Name()
}

// fieldOwner finds the named struct type declaring field obj ("Entry."), by
// looking the field up in every named type of its package.
func fieldOwner(obj types.Object) string {
	scope := obj.Pkg().Scope()
	for _, n := range scope.Names() {
		tn, ok := scope.Lookup(n).(*types.TypeName)
		if !ok {
			continue
		}
		if st, ok := tn.Type().Underlying().(*types.Struct); ok {
			for i := range st.NumFields() {
				if st.Field(i) == obj {
					return n + "."
				}
			}
		}
	}
	return ""
}

// isAllowed reports whether the identifier id is the selected name of an
// allowed selector (info.Cmdline in Secrets.Args(info.Cmdline)).
func isAllowed(id *ast.Ident, allowed map[*ast.SelectorExpr]bool) bool {
	for sel := range allowed {
		if sel.Sel == id {
			return true
		}
	}
	return false
}
