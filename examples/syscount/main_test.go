//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"maps"
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
		if _, _, err := run(append([]string{"-f", bpf, "-S", "calls", "-o", out, "--"}, lsArgs...),
			strings.NewReader(""), null, null); err != nil {
			t.Fatal(err)
		}
		matchesStraceLS(t, bpf, out, null)
	}
}

// lsArgs is the command the strace comparisons count: one failing and one
// succeeding listing.
var lsArgs = []string{"/bin/ls", "/nonexistent", "/"}

// matchesStraceLS compares, name by name, the calls and errors of the
// summary syscount wrote to file ours with strace -c -f's of lsArgs, run
// with the same stdout null (ls probes it).
func matchesStraceLS(t *testing.T, what, ours string, null *os.File) {
	t.Helper()
	b, _ := os.ReadFile(ours)
	tab, err := syscallstat.ParseSummary(b)
	if err != nil {
		t.Fatal(err)
	}
	sout := filepath.Join(t.TempDir(), "strace")
	st := exec.Command("strace", append([]string{"-c", "-f", "-S", "calls", "-o", sout}, lsArgs...)...)
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
	if o, s := m(tab), m(theirs); !maps.Equal(o, s) {
		t.Errorf("%s: calls/errors differ from strace -c -f:\nours   %v\nstrace %v", what, o, s)
	}
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
	for _, tt := range []struct {
		args []string
		want string // in the error
	}{
		{[]string{}, "nothing to trace"},
		{[]string{"-p", "1", "--", "true"}, "not several"},
		{[]string{"-p", "1", "-cgroup", "/sys/fs/cgroup/unified"}, "not several"},
		{[]string{"-S", "bogus", "--", "true"}, "bogus"},
		{[]string{"-p", "-5"}, "not a process ID"},
	} {
		var stderr bytes.Buffer
		code, _, err := run(tt.args, strings.NewReader(""), &stderr, &stderr)
		if code != 2 || err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %d, %v; want exit 2 and an error saying %q", tt.args, code, err, tt.want)
		}
		if len(tt.args) == 0 && strings.Contains(err.Error(), "not several") {
			t.Errorf("run() with no arguments says %q: neither was given", err)
		}
	}
}

// TestHelp: -h prints the usage, naming the PID and CMD arguments, on
// stdout and exits 0, as users of the flag package expect.
func TestHelp(t *testing.T) {
	for _, h := range []string{"-h", "-help", "--help"} {
		var stdout, stderr bytes.Buffer
		code, sig, err := run([]string{h}, strings.NewReader(""), &stdout, &stderr)
		if code != 0 || sig != 0 || err != nil {
			t.Errorf("syscount %s = %d, %v, %v; want exit 0", h, code, sig, err)
		}
		for _, want := range []string{"usage: syscount", "-p PID", "CMD", "-seccomp-profile"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("syscount %s: stdout lacks %q:\n%s", h, want, stdout.String())
			}
		}
	}
}

// TestFlagsMeanStraces: every one-letter flag of syscount is one of
// strace's and means the same (checked against strace -h when installed).
func TestFlagsMeanStraces(t *testing.T) {
	same := map[string][2]string{ // letter: our usage says, strace -h says
		"f": {"follow forks", "follow forks"},
		"w": {"wall-clock", "latency"},
		"S": {"sort by", "sort syscall counts by"},
		"e": {"trace=", "trace="},
		"o": {"instead of stderr", "instead of stderr"},
		"p": {"process", "trace process"},
	}
	var stdout bytes.Buffer
	run([]string{"-h"}, strings.NewReader(""), &stdout, &stdout)
	usage := stdout.String()
	ours := map[string]string{}
	lines := strings.Split(usage, "\n")
	for i, l := range lines {
		if f := strings.Fields(l); len(f) > 0 && len(f[0]) == 2 && f[0][0] == '-' && i+1 < len(lines) {
			ours[f[0][1:]] = l + " " + lines[i+1]
		}
	}
	if len(ours) == 0 {
		t.Fatalf("no one-letter flags in the usage:\n%s", usage)
	}
	for letter, text := range ours {
		m, ok := same[letter]
		if !ok {
			t.Errorf("-%s is not checked against strace's -%s", letter, letter)
			continue
		}
		if !strings.Contains(text, m[0]) {
			t.Errorf("our -%s: %q, want it to say %q", letter, text, m[0])
		}
	}
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not installed")
	}
	help, _ := exec.Command("strace", "-h").CombinedOutput()
	hl := strings.Split(string(help), "\n")
	for letter := range ours {
		found := false
		for i, l := range hl {
			if f := strings.Fields(l); len(f) > 0 && strings.TrimSuffix(f[0], ",") == "-"+letter {
				desc := l
				if i+1 < len(hl) {
					desc += " " + hl[i+1]
				}
				if strings.Contains(desc, same[letter][1]) {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("strace -h does not describe -%s as %q", letter, same[letter][1])
		}
	}
}

// TestUnwritableProfile: -seccomp-profile is opened before the command
// starts, as -o is.
func TestUnwritableProfile(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "ran")
	var stderr strings.Builder
	_, _, err := run([]string{"-f", "-o", os.DevNull, "-seccomp-profile", "/nonexistent/dir/p.json", "--", "/bin/sh", "-c", "touch " + marker},
		strings.NewReader(""), &stderr, &stderr)
	if err == nil {
		t.Fatal("syscount -seccomp-profile on an unwritable path: no error")
	}
	if _, serr := os.Stat(marker); serr == nil {
		t.Error("the command ran although the profile could not be opened")
	}
}

// TestAttachInterrupt runs the built syscount against a sleeping process
// and interrupts it: it must detach, print the summary and exit 130 (as
// strace does), leaving the process running and untraced.
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
	sc.Wait()
	if code := sc.ProcessState.ExitCode(); code != 130 {
		t.Fatalf("syscount after SIGINT: exit %d, want 130 as strace\n%s", code, stderr.String())
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

// buildSyscount builds this program.
func buildSyscount(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "syscount")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Skipf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestAttachTermAfterThreadExit: syscount -f -p on a process one of whose
// threads has ended (the last one that ran) ends promptly on SIGTERM and
// exits 143, as strace does.
func TestAttachTermAfterThreadExit(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed")
	}
	helper := filepath.Join(t.TempDir(), "threadexit")
	if out, err := exec.Command("gcc", "-O2", "-pthread", "-o", helper, "../../syscallstat/testdata/threadexit.c").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	bin := buildSyscount(t)
	target := exec.Command(helper)
	stdin, _ := target.StdinPipe()
	stdout, _ := target.StdoutPipe()
	if err := target.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { target.Process.Kill(); target.Wait() })
	buf := make([]byte, 6)
	if _, err := io.ReadFull(stdout, buf); err != nil || string(buf) != "ready\n" {
		t.Fatalf("helper: %q %v", buf, err)
	}
	pid := target.Process.Pid
	threads := func() int {
		st, err := proc.Default().Process(pid).Status()
		if err != nil {
			t.Fatal(err)
		}
		return st.Threads
	}
	var stderr bytes.Buffer
	sc := exec.Command(bin, "-f", "-p", itoa(pid))
	sc.Stderr = &stderr
	if err := sc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sc.Process.Kill() })
	// Attached once the helper is traced.
	for range 1000 {
		if st, _ := proc.Default().Process(pid).Status(); st.TracerPID != 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	stdin.Write([]byte{'x'})
	for range 1000 {
		if threads() == 1 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	sc.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { sc.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("syscount -f -p still running 10s after SIGTERM\n%s", stderr.String())
	}
	if code := sc.ProcessState.ExitCode(); code != 143 {
		t.Errorf("syscount after SIGTERM: exit %d, want 143 as strace\n%s", code, stderr.String())
	}
	if _, err := syscallstat.ParseSummary(stderr.Bytes()); err != nil {
		t.Errorf("no summary: %v\n%s", err, stderr.String())
	}
}

// TestAttachWhatItIs: -p on this process, on a zombie or on a kernel thread
// says what the pid is instead of blaming permissions.
func TestAttachWhatItIs(t *testing.T) {
	zombie := exec.Command("/bin/true")
	if err := zombie.Start(); err != nil {
		t.Fatal(err)
	}
	defer zombie.Wait()
	for range 500 {
		if st, err := proc.Default().Process(zombie.Process.Pid).Status(); err == nil && st.State == proc.Zombie {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cases := map[int]string{os.Getpid(): "is this process", zombie.Process.Pid: "is a zombie"}
	if st, err := proc.Default().Process(2).Stat(); err == nil && st.IsKernelThread() {
		cases[2] = "is a kernel thread"
	}
	for pid, want := range cases {
		var stderr bytes.Buffer
		_, _, err := run([]string{"-p", itoa(pid)}, strings.NewReader(""), &stderr, &stderr)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "CAP_SYS_PTRACE") ||
			strings.Contains(err.Error(), "uid") {
			t.Errorf("syscount -p %d: %v; want it to say the pid %s", pid, err, want)
		}
	}
}
