//go:build linux

package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/procscope/procscope/internal/cli/clitest"
	"github.com/procscope/procscope/internal/fixtures"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
)

// helperArg names the helper that lives until its stdin closes.
const helperArg = "procenv-test-helper"

func init() {
	proctest.RegisterHelper(helperArg, func([]string) int { proctest.WaitStdin(); return 0 })
}

func TestMain(m *testing.M) { proctest.Main(m) }

var childEnv = []string{
	"HOME=/nonexistent",
	"DB_PASSWORD=Hu7xq2Lp!",
	"AWS_ACCESS_KEY_ID=AKIA" + "Q7R2M4T6W3Y5Z7B2",
	"BIN\xff=\xfe\x80value",
	"NOEQUALS",
	"=emptyname",
	"EMPTY=",
	"LINE=a\nb",
	"DUP=1",
	"DUP=2",
}

// startChild re-executes the test binary with exactly env and returns its
// pid; the child exits when the test ends.
func startChild(t *testing.T, env []string, args ...string) int {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p, err := os.StartProcess(exe, append([]string{exe}, proctest.HelperArgs(helperArg, args...)...), &os.ProcAttr{Env: env, Files: []*os.File{r, nil, nil}})
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close(); p.Kill(); p.Wait() })
	for i := 0; ; i++ {
		if b, _ := os.ReadFile("/proc/" + strconv.Itoa(p.Pid) + "/cmdline"); bytes.Contains(b, []byte(helperArg)) {
			return p.Pid
		}
		if i > 500 {
			t.Fatal("child did not start")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func runOut(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(args, &out, &errb)
	return out.String(), errb.String(), err
}

func TestText(t *testing.T) {
	pid := strconv.Itoa(startChild(t, childEnv))
	out, _, err := runOut(t, pid)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"HOME=/nonexistent",
		"DB_PASSWORD=<redacted:password>",
		"AWS_ACCESS_KEY_ID=<redacted:aws-access-key-id>",
		`"BIN\xff=\xfe\x80value"`,
		"NOEQUALS",
		"=emptyname",
		"EMPTY=",
		`"LINE=a\nb"`,
		"DUP=1",
		"DUP=2",
	}, "\n") + "\n"
	if out != want {
		t.Errorf("procenv PID =\n%s\nwant\n%s", out, want)
	}
	out, _, err = runOut(t, "-show-secrets", pid)
	if err != nil || !strings.Contains(out, "DB_PASSWORD=Hu7xq2Lp!\n") {
		t.Errorf("procenv -show-secrets: %v\n%s", err, out)
	}
}

func TestRaw(t *testing.T) {
	pid := strconv.Itoa(startChild(t, childEnv))
	out, _, err := runOut(t, "-raw", pid)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(childEnv, "\x00") + "\x00"; out != want {
		t.Errorf("procenv -raw = %q, want %q", out, want)
	}
}

// TestJSONRebuildsBytes: with -show-secrets, the JSON holds enough to
// rebuild the environ file byte for byte; without, no secret leaks.
func TestJSONRebuildsBytes(t *testing.T) {
	pid := strconv.Itoa(startChild(t, childEnv))
	out, _, err := runOut(t, "-json", "-show-secrets", pid)
	if err != nil {
		t.Fatal(err)
	}
	// Decode generically, as a consumer in another language would.
	var recs []map[string]any
	if err := json.Unmarshal([]byte(out), &recs); err != nil {
		t.Fatal(err)
	}
	var rebuilt []byte
	for _, r := range recs {
		for _, k := range []string{"name", "value", "secret", "reason"} {
			if _, ok := r[k]; !ok {
				t.Fatalf("record %v lacks key %q", r, k)
			}
		}
		b, err := rebuild(r)
		if err != nil {
			t.Fatal(err)
		}
		rebuilt = append(append(rebuilt, b...), 0)
	}
	if want := strings.Join(childEnv, "\x00") + "\x00"; string(rebuilt) != want {
		t.Errorf("rebuilt from JSON %q, want %q", rebuilt, want)
	}

	out, _, err = runOut(t, "-json", pid)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "Hu7xq2Lp") || strings.Contains(out, "Q7R2M4T6W3Y5Z7B2") {
		t.Errorf("redacted JSON reveals a secret:\n%s", out)
	}
	var redacted []struct {
		Secret bool    `json:"secret"`
		Reason string  `json:"reason"`
		Value  *string `json:"value"`
	}
	if err := json.Unmarshal([]byte(out), &redacted); err != nil {
		t.Fatal(err)
	}
	if r := redacted[1]; !r.Secret || r.Reason != "password" || r.Value == nil || *r.Value != "<redacted:password>" {
		t.Errorf("record 1 = %+v", r)
	}
	if r := redacted[4]; r.Value != nil || !strings.Contains(out, `"value": null`) {
		t.Errorf("entry without '=': %+v; want a null value", r)
	}
}

// rebuild decodes one generic JSON record into the entry's bytes.
func rebuild(r map[string]any) ([]byte, error) {
	field := func(k string) ([]byte, error) {
		if b64, ok := r[k+"_base64"].(string); ok {
			return base64.StdEncoding.DecodeString(b64)
		}
		s, _ := r[k].(string)
		return []byte(s), nil
	}
	name, err := field("name")
	if err != nil {
		return nil, err
	}
	if r["value"] == nil {
		return name, nil
	}
	val, err := field("value")
	if err != nil {
		return nil, err
	}
	return append(append(name, '='), val...), nil
}

func TestScan(t *testing.T) {
	pid := startChild(t, childEnv, "--api-token=Zq81LmX0aT4vB7nC2kD9")
	out, stderr, err := runOut(t, "-scan")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		strconv.Itoa(pid) + " ", "DB_PASSWORD", "aws-access-key-id", "cmdline", "--api-token",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("procenv -scan lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Hu7xq2Lp") || strings.Contains(out, "Zq81LmX0aT4vB7nC2kD9") {
		t.Error("scan output reveals a secret")
	}
	if !strings.Contains(stderr, "unreadable") {
		t.Errorf("no summary on stderr: %q", stderr)
	}
	out, _, err = runOut(t, "-scan", "-json")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Findings []struct {
			PID    int    `json:"pid"`
			Comm   string `json:"comm"`
			Name   string `json:"name"`
			Reason string `json:"reason"`
		} `json:"findings"`
		Processes  int `json:"processes"`
		Unreadable int `json:"unreadable"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range res.Findings {
		found = found || f.PID == pid && f.Name == "DB_PASSWORD" && f.Reason == "password" && f.Comm != ""
	}
	if !found || res.Processes == 0 {
		t.Errorf("procenv -scan -json: no DB_PASSWORD finding for pid %d in %s", pid, out)
	}
}

func TestFixtures(t *testing.T) {
	out, _, err := runOut(t, "-root", fixtures.Dir(t, "shell"), "7967")
	if err != nil || out != "PATH=/usr/bin:/bin\nHOME=/nonexistent\nLANG=C.UTF-8\nFIXTURE=1\n" {
		t.Errorf("procenv -root shell 7967 = %q, %v", out, err)
	}
	_, _, err = runOut(t, "-root", fixtures.Dir(t, "zombie"), "8004")
	if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, proc.ErrGone) {
		t.Errorf("procenv on a zombie: %v; want a gone error", err)
	}
	_, _, err = runOut(t, "-root", fixtures.Dir(t, "init"), "1")
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("procenv on unreadable init: %v; want permission error", err)
	}
	_, stderr, err := runOut(t, "-root", fixtures.Dir(t, "init"), "-scan")
	if err != nil || !strings.Contains(stderr, "1 unreadable") {
		t.Errorf("procenv -scan on init fixture: %v, %q", err, stderr)
	}
}

func TestBadUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"x"}, {"-scan", "1"}, {"1", "2"}, {"-nope"}} {
		if _, _, err := runOut(t, args...); err == nil {
			t.Errorf("run(%q) = nil; want an error", args)
		}
	}
}

// TestBadRoot: a -root that does not exist, is a regular file or holds a
// garbage capture.json is a one-line error naming it (main exits 1).
func TestBadRoot(t *testing.T) {
	for what, dir := range clitest.BadRoots(t) {
		for _, args := range [][]string{{"-root", dir, "1"}, {"-root", dir, "-scan"}} {
			t.Run(what+" "+strings.ReplaceAll(strings.Join(args, " "), dir, "DIR"), func(t *testing.T) {
				var out, errOut bytes.Buffer
				clitest.CheckRootError(t, run(args, &out, &errOut), dir)
			})
		}
	}
}

// TestPlantedLink: a capture whose PID/environ is a symbolic link to a file
// outside it (as a hostile capture would link /etc/shadow) gives a one-line
// error naming the file, never the linked file's content.
func TestPlantedLink(t *testing.T) {
	dir := proctest.CopyCapture(t, fixtures.Dir(t, "shell"))
	const value = "planted-outside-the-capture"
	outside := filepath.Join(t.TempDir(), "shadow")
	if err := os.WriteFile(outside, []byte("root:"+value+":19000:0:99999:7:::\x00PLANTED="+value+"\x00"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := filepath.Join(dir, "7967", "environ")
	if err := os.Remove(env); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, env); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-root", dir, "-show-secrets", "7967"}, {"-root", dir, "-raw", "7967"},
		{"-root", dir, "-json", "-show-secrets", "7967"},
	} {
		var out, errOut bytes.Buffer
		err := run(args, &out, &errOut)
		if strings.Contains(out.String()+errOut.String(), value) {
			t.Errorf("procenv %v printed the file outside the capture:\n%s%s", args, out.String(), errOut.String())
		}
		if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "7967/environ") || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("procenv %v: error %v; want one line naming 7967/environ as a symbolic link", args, err)
		}
	}
	// -scan reports the process as unreadable, and prints nothing of it.
	var out, errOut bytes.Buffer
	run([]string{"-root", dir, "-scan", "-json"}, &out, &errOut)
	if strings.Contains(out.String()+errOut.String(), value) {
		t.Errorf("procenv -scan printed the file outside the capture:\n%s%s", out.String(), errOut.String())
	}
}

// TestHelp: -h, -help and --help print the usage, naming the arguments, on
// stdout and exit 0 (they exited 1 with "flag: help requested").
func TestHelp(t *testing.T) {
	clitest.Help(t, "PID", "-scan")
}
