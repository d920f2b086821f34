//go:build linux

package procscope_test

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/procscope/procscope/proctest"

	"github.com/procscope/procscope/internal/testexe"
)

// secretPlant is one known secret planted in the child of
// TestPlantedSecrets: an environment entry or a command-line argument, and
// the values that must never be printed unless revealed.
type secretPlant struct {
	name   string
	env    string // NAME=VALUE for the child's environment, or ""
	arg    string // argument of the child's command line, or ""
	values []string
}

// source is where an output shows a secret when revealed.
type source uint8

const (
	fromEnv source = 1 << iota
	fromCmdline
)

// label names the variable or flag holding the secret, without its value.
func (p secretPlant) label() string {
	name, _, _ := strings.Cut(p.env+p.arg, "=")
	return name
}

func (p secretPlant) source() source {
	if p.env != "" {
		return fromEnv
	}
	return fromCmdline
}

// randomWord returns n random letters and digits, different on every run so
// that a value found in an output can only come from the child.
func randomWord(n int) string {
	const abc = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = abc[int(b[i])%len(abc)]
	}
	return string(b)
}

func plantedSecrets() []secretPlant {
	pw, ghp, flagPw, javaArgPw := randomWord(20), "ghp_"+randomWord(36), randomWord(18), randomWord(16)
	bare := "ghp_" + randomWord(36)
	javaPw, curlPw := randomWord(16), randomWord(14)
	kubeToken := randomWord(24) + "." + randomWord(40)
	keyPEM := "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA" + randomWord(64) + "\n-----END RSA PRIVATE KEY-----\n"
	keyData := base64.StdEncoding.EncodeToString([]byte(keyPEM))
	kubeconfig := "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://10.96.0.1:6443\n  name: prod\n" +
		"users:\n- name: admin\n  user:\n    client-key-data: " + keyData + "\n    token: " + kubeToken + "\n"
	return []secretPlant{
		{name: "env-password", env: "DB_PASSWORD=" + pw, values: []string{pw}},
		{name: "env-github-token", env: "GITHUB_TOKEN=" + ghp, values: []string{ghp}},
		// An entry without '=': the token on its own, no name to go by.
		{name: "env-bare-token", env: bare, values: []string{bare}},
		{name: "cmdline-password", arg: "--password=" + flagPw, values: []string{flagPw}},
		{name: "cmdline-java-option", arg: "-Dspring.datasource.password=" + javaArgPw, values: []string{javaArgPw}},
		{name: "env-kubeconfig", env: "KUBE_CONFIG=" + kubeconfig, values: []string{kubeToken, keyData}},
		{name: "env-java-tool-options", env: "JAVA_TOOL_OPTIONS=-Xmx512m -Dspring.datasource.password=" + javaPw + " -Dfile.encoding=UTF-8", values: []string{javaPw}},
		{name: "env-curl-opts", env: "CURL_OPTS=--silent -u deploy:" + curlPw, values: []string{curlPw}},
	}
}

// exampleOutput is one run of an example program.
type exampleOutput struct {
	name   string   // how the failure names it
	args   []string // program and arguments
	nobody bool     // run as uid 65534 through setpriv
	shows  source   // what it prints in clear with -show-secrets
	// finds: it exits 2 on a finding (audit) and must name the secrets by
	// their marker, so that a clean output is not a vacuous pass.
	finds bool
}

// TestPlantedSecrets starts a child holding known secrets in its
// environment and command line and runs every output of every example
// program on it, live and from a capture read back as another user: none
// may print a secret's value, and each output that has -show-secrets prints
// it with the flag. Each planted secret is a subtest; a failure names the
// value, the output and the line that leaked it.
func TestPlantedSecrets(t *testing.T) {
	plants := plantedSecrets()
	dir := testexe.Dir(t)
	bin := examplesDir(t)

	child := proctest.HelperCommand(t, "sleeper")
	child.Env = []string{"PATH=/usr/bin:/bin"}
	for _, p := range plants {
		if p.env != "" {
			child.Env = append(child.Env, p.env)
		} else {
			child.Args = append(child.Args, p.arg)
		}
	}
	stdin, err := child.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); child.Wait() })
	pid := strconv.Itoa(child.Process.Pid)

	capDir := filepath.Join(dir, "capture")
	if out, err := exec.Command(filepath.Join(bin, "capture"), "-o", capDir, pid).CombinedOutput(); err != nil {
		t.Fatalf("capture -o %s %s: %v\n%s", capDir, pid, err, out)
	}
	asOther := os.Geteuid() == 0
	if _, err := exec.LookPath("setpriv"); err != nil {
		asOther = false
		t.Log("setpriv (util-linux) not installed: the capture is not read back as another user")
	} else if !asOther {
		t.Log("not root: the capture is not read back as another user")
	}
	if asOther {
		// The capture goes to another user, as a copy sent to someone would.
		if out, err := exec.Command("chown", "-R", nobody+":"+nobody, capDir).CombinedOutput(); err != nil {
			t.Fatalf("chown: %v\n%s", err, out)
		}
	}

	outputs := []exampleOutput{
		{name: "inspect", args: []string{"inspect"}, shows: fromCmdline},
		{name: "inspect -json", args: []string{"inspect", "-json"}, shows: fromCmdline},
		{name: "inspect PID", args: []string{"inspect", pid}, shows: fromEnv | fromCmdline},
		{name: "inspect -json PID", args: []string{"inspect", "-json", pid}, shows: fromEnv | fromCmdline},
		{name: "procenv PID", args: []string{"procenv", pid}, shows: fromEnv},
		{name: "procenv -json PID", args: []string{"procenv", "-json", pid}, shows: fromEnv},
		{name: "procenv -scan", args: []string{"procenv", "-scan"}},
		{name: "procenv -json -scan", args: []string{"procenv", "-json", "-scan"}},
		{name: "lsfd PID", args: []string{"lsfd", pid}},
		{name: "lsfd -json PID", args: []string{"lsfd", "-json", pid}},
		{name: "pstree", args: []string{"pstree"}},
		{name: "pstree -json PID", args: []string{"pstree", "-json", pid}},
		{name: "capture -json", args: []string{"capture", "-json", "-o", filepath.Join(dir, "capture2"), pid}},
		{name: "audit -level baseline PID", args: []string{"audit", "-level", "baseline", pid}, finds: true},
		{name: "audit -json PID", args: []string{"audit", "-json", pid}, finds: true},
	}
	if asOther {
		for _, o := range []exampleOutput{
			{name: "inspect -root CAPTURE", args: []string{"inspect", "-root", capDir}, shows: fromCmdline},
			{name: "inspect -root CAPTURE PID", args: []string{"inspect", "-root", capDir, pid}, shows: fromEnv | fromCmdline},
			{name: "inspect -root CAPTURE -json PID", args: []string{"inspect", "-root", capDir, "-json", pid}, shows: fromEnv | fromCmdline},
			{name: "procenv -root CAPTURE PID", args: []string{"procenv", "-root", capDir, pid}, shows: fromEnv},
			{name: "procenv -root CAPTURE -json PID", args: []string{"procenv", "-root", capDir, "-json", pid}, shows: fromEnv},
			{name: "procenv -root CAPTURE -scan", args: []string{"procenv", "-root", capDir, "-scan"}},
			{name: "lsfd -root CAPTURE PID", args: []string{"lsfd", "-root", capDir, pid}},
			{name: "pstree -root CAPTURE PID", args: []string{"pstree", "-root", capDir, pid}},
			{name: "audit -root CAPTURE -json PID", args: []string{"audit", "-root", capDir, "-json", pid}, finds: true},
		} {
			o.name += " as uid " + nobody
			o.nobody = true
			outputs = append(outputs, o)
		}
	}

	run := func(o exampleOutput, extra ...string) string {
		args := append([]string{filepath.Join(bin, o.args[0])}, extra...)
		args = append(args, o.args[1:]...)
		if o.nobody {
			args = append([]string{"setpriv", "--reuid=" + nobody, "--regid=" + nobody, "--clear-groups", "--"}, args...)
		}
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		cmd.Env = []string{"PATH=/usr/bin:/bin", "COLUMNS=1000"}
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok && o.finds && ee.ExitCode() == 2 {
			err = nil
			if !strings.Contains(string(out), "<redacted:") {
				t.Errorf("%s: no secret found (exit 2, no marker): the leak check below would be vacuous\n%s", o.name, out)
			}
		}
		if err != nil {
			t.Errorf("%s %s: %v\n%s", o.name, strings.Join(extra, " "), err, out)
		}
		return string(out)
	}
	got := make([]string, len(outputs))
	revealed := make([]string, len(outputs))
	for i, o := range outputs {
		got[i] = run(o)
		if o.shows != 0 {
			revealed[i] = run(o, "-show-secrets")
		}
	}

	for _, p := range plants {
		t.Run(p.name, func(t *testing.T) {
			for i, o := range outputs {
				for _, v := range p.values {
					if line, ok := lineWith(got[i], v); ok {
						t.Errorf("%s: value %.12s... of %s leaked in `%s`: %s", p.name, v, p.label(), o.name, line)
					}
					if o.shows&p.source() != 0 {
						if _, ok := lineWith(revealed[i], v); !ok {
							t.Errorf("%s: value %.12s... not shown by `%s` with -show-secrets", p.name, v, o.name)
						}
					}
				}
			}
		})
	}
}

// lineWith returns the line of out holding v, cut to a readable length.
func lineWith(out, v string) (string, bool) {
	i := strings.Index(out, v)
	if i < 0 {
		return "", false
	}
	start := strings.LastIndexByte(out[:i], '\n') + 1
	end := len(out)
	if j := strings.IndexByte(out[i:], '\n'); j >= 0 {
		end = i + j
	}
	line := out[start:end]
	if len(line) > 300 {
		line = line[:300] + "..."
	}
	return fmt.Sprintf("%q", line), true
}
