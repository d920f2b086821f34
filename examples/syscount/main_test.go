//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/syscallstat"
)

func runOK(t *testing.T, args ...string) (int, syscall.Signal, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code, sig, err := run(args, strings.NewReader(""), &stdout, &stderr)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			t.Skipf("ptrace not permitted: %v", err)
		}
		t.Fatalf("run(%q): %v\n%s", args, err, stderr.String())
	}
	return code, sig, stderr.String()
}

func TestTableToStderr(t *testing.T) {
	code, sig, stderr := runOK(t, "-f", "--", "/bin/true")
	if code != 0 || sig != 0 {
		t.Errorf("exit %d signal %v, want 0", code, sig)
	}
	tab, err := syscallstat.ParseSummary([]byte(stderr))
	if err != nil {
		t.Fatalf("stderr is not an strace -c table: %v\n%s", err, stderr)
	}
	if r, _ := tab.Lookup(syscallstat.Native, "execve"); r.Calls != 1 {
		t.Errorf("execve = %+v, want 1 call", r)
	}
}

func TestMatchesStrace(t *testing.T) {
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not installed")
	}
	for _, bpf := range []string{"-seccomp-bpf=true", "-seccomp-bpf=false"} {
		// The same stdout (not a terminal, not a pipe) for both runs: ls
		// probes it with ioctl.
		null, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		defer null.Close()
		out := filepath.Join(t.TempDir(), "ours")
		if _, _, err := run([]string{"-f", bpf, "-S", "calls", "-o", out, "--", "/bin/ls", "/nonexistent", "/"},
			strings.NewReader(""), null, null); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(out)
		ours, err := syscallstat.ParseSummary(b)
		if err != nil {
			t.Fatal(err)
		}
		sout := filepath.Join(t.TempDir(), "strace")
		st := exec.Command("strace", "-c", "-f", "-S", "calls", "-o", sout, "/bin/ls", "/nonexistent", "/")
		st.Stdout, st.Stderr = null, null
		st.Run()
		b, _ = os.ReadFile(sout)
		theirs, err := syscallstat.ParseSummary(b)
		if err != nil {
			t.Fatal(err)
		}
		type ce struct{ calls, errors uint64 }
		m := func(tab syscallstat.Table) map[string]ce {
			out := map[string]ce{}
			for _, r := range tab {
				out[r.Name] = ce{r.Calls, r.Errors}
			}
			return out
		}
		if o, s := m(ours), m(theirs); !mapsEqual(o, s) {
			t.Errorf("%s: calls/errors differ from strace -c -f:\nours   %v\nstrace %v", bpf, o, s)
		}
	}
}

func mapsEqual[K, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestJSONAndExitCode(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.json")
	code, _, _ := runOK(t, "-f", "-json", "-o", out, "--", "/bin/sh", "-c", "exit 3")
	if code != 3 {
		t.Errorf("exit code %d, want the command's 3", code)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]json.RawMessage) []string {
		var k []string
		for key := range m {
			k = append(k, key)
		}
		slices.Sort(k)
		return k
	}
	if got := keys(raw); !slices.Equal(got, []string{"exit_code", "syscalls", "total"}) {
		t.Errorf("top-level keys %v", got)
	}
	var rows []map[string]json.RawMessage
	json.Unmarshal(raw["syscalls"], &rows)
	if len(rows) == 0 || !slices.Equal(keys(rows[0]), []string{"calls", "errors", "name", "number", "seconds"}) {
		t.Errorf("row keys %v", rows)
	}
	var total map[string]json.RawMessage
	json.Unmarshal(raw["total"], &total)
	if !slices.Equal(keys(total), []string{"calls", "errors", "seconds"}) {
		t.Errorf("total keys %v", keys(total))
	}
	if string(raw["exit_code"]) != "3" {
		t.Errorf("exit_code %s", raw["exit_code"])
	}
}

func TestDeathBySignal(t *testing.T) {
	_, sig, _ := runOK(t, "-f", "-o", os.DevNull, "--", "/bin/sh", "-c", "kill -TERM $$")
	if sig != syscall.SIGTERM {
		t.Errorf("signal %v, want SIGTERM (syscount dies of it as strace does)", sig)
	}
}

func TestFilterAndProfile(t *testing.T) {
	dir := t.TempDir()
	runOK(t, "-f", "-e", "trace=execve,openat", "-o", filepath.Join(dir, "out"),
		"-seccomp-profile", filepath.Join(dir, "prof.json"), "--", "/bin/ls", "/")
	b, _ := os.ReadFile(filepath.Join(dir, "out"))
	tab, err := syscallstat.ParseSummary(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range tab {
		if r.Name != "execve" && r.Name != "openat" {
			t.Errorf("-e trace=execve,openat counted %s", r.Name)
		}
	}
	for _, name := range []string{"execve", "openat"} {
		if r, _ := tab.Lookup(syscallstat.Native, name); r.Calls == 0 {
			t.Errorf("-e trace=execve,openat: %s not counted", name)
		}
	}
	p, _ := os.ReadFile(filepath.Join(dir, "prof.json"))
	var prof struct {
		DefaultAction string `json:"defaultAction"`
		Syscalls      []struct{ Names []string }
	}
	if err := json.Unmarshal(p, &prof); err != nil || prof.DefaultAction != "SCMP_ACT_ERRNO" ||
		len(prof.Syscalls) != 1 || !slices.Contains(prof.Syscalls[0].Names, "openat") {
		t.Errorf("profile %s (%v)", p, err)
	}
}

func TestBadUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"-p", "1", "--", "true"}, {"-S", "bogus", "--", "true"}} {
		var stderr bytes.Buffer
		code, _, err := run(args, strings.NewReader(""), &stderr, &stderr)
		if code != 2 {
			t.Errorf("run(%q) = %d, %v; want exit 2", args, code, err)
		}
	}
}

// TestAttachInterrupt runs the built syscount against a sleeping process
// and interrupts it: it must detach, print the summary and exit 0, leaving
// the process running and untraced.
func TestAttachInterrupt(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "syscount")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Skipf("go build: %v\n%s", err, out)
	}
	target := exec.Command("/bin/sh", "-c", "while :; do sleep 0.01; done")
	if err := target.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { target.Process.Kill(); target.Wait() }()
	var stderr bytes.Buffer
	sc := exec.Command(bin, "-f", "-p", itoa(target.Process.Pid))
	sc.Stderr = &stderr
	if err := sc.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	sc.Process.Signal(syscall.SIGINT)
	err := sc.Wait()
	if err != nil {
		t.Fatalf("syscount after SIGINT: %v\n%s", err, stderr.String())
	}
	tab, err := syscallstat.ParseSummary(stderr.Bytes())
	if err != nil {
		t.Fatalf("no summary: %v\n%s", err, stderr.String())
	}
	if r, _ := tab.Lookup(syscallstat.Native, "wait4"); r.Calls == 0 {
		t.Errorf("attached shell made no wait4 calls:\n%s", stderr.String())
	}
	time.Sleep(100 * time.Millisecond)
	st, err := proc.Default().Process(target.Process.Pid).Status()
	if err != nil {
		t.Fatalf("target after detach: %v", err)
	}
	if st.TracerPID != 0 {
		t.Errorf("still traced by %d", st.TracerPID)
	}
	if st.State == proc.Stopped || st.State == proc.TracingStop {
		t.Errorf("left stopped: state %v", st.State)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestUnwritableOutput: like strace, syscount opens -o before it starts the
// command, so an unwritable path fails at once and the command never runs.
func TestUnwritableOutput(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "ran")
	var stderr strings.Builder
	_, _, err := run([]string{"-f", "-o", "/nonexistent/dir/summary", "--", "/bin/sh", "-c", "touch " + marker},
		strings.NewReader(""), &stderr, &stderr)
	if err == nil {
		t.Fatal("syscount -o on an unwritable path: no error")
	}
	if _, serr := os.Stat(marker); serr == nil {
		t.Error("the command ran although the output could not be opened")
	}
}
