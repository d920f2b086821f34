//go:build linux && (amd64 || arm64)

package syscallstat_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/procscope/procscope/syscallstat"
)

// The seccomp-bpf fast path must count what the normal path counts.
func TestFastPathMatchesSlowPath(t *testing.T) {
	tests := []struct {
		w     string
		n     int
		names []string
	}{
		{"getppid", 1000, []string{"getppid"}},
		{"openfail", 200, []string{"openat"}},
		{"threads", 200, []string{"getppid"}},
		{"forks", 4, []string{"getppid", "execve"}},
		{"signals", 30, []string{"kill"}},
		{"vforkexec", 2, []string{"execve"}},
	}
	for _, tt := range tests {
		if raceEnabled && tt.w != "getppid" && tt.w != "forks" {
			continue
		}
		t.Run(tt.w, func(t *testing.T) {
			slow, _ := trace(t, tt.w, tt.n, &syscallstat.Options{Follow: true})
			fast, _ := trace(t, tt.w, tt.n, &syscallstat.Options{Follow: true, SeccompBPF: true})
			counts, _ := trace(t, tt.w, tt.n, &syscallstat.Options{Follow: true, SeccompBPF: true, CountsOnly: true})
			filtered, _ := trace(t, tt.w, tt.n, &syscallstat.Options{Follow: true, SeccompBPF: true, Syscalls: tt.names})
			for _, name := range tt.names {
				sc, se := calls(slow, name)
				fc, fe := calls(fast, name)
				cc, _ := calls(counts, name)
				xc, xe := calls(filtered, name)
				if sc == 0 || fc != sc || fe != se || cc != sc || xc != sc || xe != se {
					t.Errorf("%s: slow %d/%d errors, fast %d/%d, counts-only %d, filtered %d/%d",
						name, sc, se, fc, fe, cc, xc, xe)
				}
			}
			if fast.Exit != slow.Exit {
				t.Errorf("exit: fast %+v, slow %+v", fast.Exit, slow.Exit)
			}
			for _, r := range filtered.Syscalls {
				if !slices.Contains(tt.names, r.Name) {
					t.Errorf("filtered fast path counted %s", r.Name)
				}
			}
		})
	}
}

// TestProfileRunsWorkload proves a generated profile: the traced workload
// runs under it, and fails with EPERM at the one call taken out.
func TestProfileRunsWorkload(t *testing.T) {
	sum, out := trace(t, "getppidcheck", 0, &syscallstat.Options{Follow: true})
	if strings.TrimSpace(out) != "ok" {
		t.Fatalf("traced run: %q", out)
	}
	// What was observed plus the base set: what the Go runtime of the
	// launcher and the workload may call in any run without this one
	// having shown it (rt_sigreturn after an asynchronous preemption
	// signal, when the machine is busy, made the profile of the observed
	// calls alone kill the workload now and then; see
	// TestProfileNeedsSporadicCalls).
	if slices.Contains(syscallstat.BaseSyscalls, "getppid") {
		t.Fatal("BaseSyscalls contains getppid, the call this test takes out")
	}
	prof := syscallstat.Profile(sum.Syscalls, nil)
	if prof.DefaultAction != specs.ActErrno || prof.DefaultErrnoRet == nil || *prof.DefaultErrnoRet != 1 {
		t.Errorf("profile default %s %v, want errno EPERM", prof.DefaultAction, prof.DefaultErrnoRet)
	}
	run := func(p *specs.LinuxSeccomp) (string, int) {
		cmd := workloadCmd(t, "getppidcheck", 0)
		if err := syscallstat.ApplyProfile(cmd, p); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return strings.TrimSpace(stdout.String() + stderr.String()), cmd.ProcessState.ExitCode()
	}
	if got, code := run(prof); got != "ok" || code != 0 {
		t.Fatalf("under the profile: %q, exit %d; want ok", got, code)
	}
	cut := *prof
	cut.Syscalls = []specs.LinuxSyscall{{Action: specs.ActAllow}}
	for _, n := range prof.Syscalls[0].Names {
		if n != "getppid" {
			cut.Syscalls[0].Names = append(cut.Syscalls[0].Names, n)
		}
	}
	if got, code := run(&cut); got != "getppid: operation not permitted" || code != 3 {
		t.Errorf("without getppid: %q, exit %d; want EPERM at getppid, exit 3", got, code)
	}

	// The file form is valid OCI JSON that reads back to the same profile,
	// and merging runs keeps every call.
	path := filepath.Join(t.TempDir(), "profile.json")
	if err := syscallstat.WriteProfile(path, sum.Syscalls, &syscallstat.ProfileOptions{Log: true}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	var back specs.LinuxSeccomp
	if err := json.Unmarshal(b, &back); err != nil || back.DefaultAction != specs.ActLog {
		t.Errorf("profile file: %v, default %s", err, back.DefaultAction)
	}
	other := syscallstat.Profile(syscallstat.Table{{Name: "uname", Counts: syscallstat.Counts{Calls: 1}}}, nil)
	m := syscallstat.MergeProfiles(prof, other)
	for _, n := range []string{"getppid", "uname", "futex"} {
		if !slices.Contains(m.Syscalls[0].Names, n) {
			t.Errorf("merged profile lacks %s", n)
		}
	}
}

// TestProfileNeedsSporadicCalls shows why one traced run is not enough for
// a Go workload: a run that happens to be preempted asynchronously (forced
// here) returns from the signal handler with rt_sigreturn; a profile
// without it kills the workload. BaseSyscalls has it.
func TestProfileNeedsSporadicCalls(t *testing.T) {
	sum, out := trace(t, "preempt", 0, &syscallstat.Options{Follow: true})
	if strings.TrimSpace(out) != "ok" {
		t.Fatalf("traced run: %q", out)
	}
	if r, _ := sum.Syscalls.Lookup(syscallstat.Native, "rt_sigreturn"); r.Calls == 0 {
		t.Fatal("the forced preemption made no rt_sigreturn")
	}
	prof := syscallstat.Profile(sum.Syscalls, &syscallstat.ProfileOptions{NoBase: true, Extra: []string{"execve"}})
	names := slices.DeleteFunc(slices.Clone(prof.Syscalls[0].Names), func(n string) bool { return n == "rt_sigreturn" })
	cut := *prof
	cut.Syscalls = []specs.LinuxSyscall{{Names: names, Action: specs.ActAllow}}
	cmd := workloadCmd(t, "preempt", 0)
	if err := syscallstat.ApplyProfile(cmd, &cut); err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Run()
	if cmd.ProcessState.Success() && strings.TrimSpace(stdout.String()) == "ok" {
		t.Error("a preempted Go program ran under a profile without rt_sigreturn")
	}
	if !slices.Contains(syscallstat.BaseSyscalls, "rt_sigreturn") {
		t.Error("BaseSyscalls lacks rt_sigreturn")
	}
}

// TestCompat traces a 32-bit (GOARCH=386) program: its calls are counted
// in the compat table, as strace counts them in its 32 bit mode table, by
// the ptrace backend (with and without seccomp-bpf) and the eBPF backend
// (with time and counts only).
func TestCompat(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("compat test needs amd64")
	}
	bin := filepath.Join(t.TempDir(), "compat386")
	build := exec.Command("go", "build", "-o", bin, "testdata/compat386.go")
	build.Env = append(os.Environ(), "GOARCH=386", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Skipf("cannot build a 386 binary: %v\n%s", err, out)
	}
	if err := exec.Command(bin).Run(); err != nil {
		t.Skipf("kernel cannot run 32-bit binaries: %v", err)
	}
	runs := map[string]*syscallstat.Options{
		"ptrace":             {Follow: true},
		"ptrace seccomp-bpf": {Follow: true, SeccompBPF: true},
		"ebpf":               {Follow: true, Backend: syscallstat.EBPF},
		"ebpf counts only":   {Follow: true, Backend: syscallstat.EBPF, CountsOnly: true},
	}
	for name, opts := range runs {
		t.Run(name, func(t *testing.T) {
			sum := traceCmd(t, exec.Command(bin), opts)
			g, _ := sum.Syscalls.Lookup(syscallstat.Compat, "getppid")
			o, _ := sum.Syscalls.Lookup(syscallstat.Compat, "openat") // Go's 386 syscall.Open
			// strace counts an execve in the table it was called in.
			execABI := syscallstat.Native
			if opts.CountsOnly {
				// No entry seen: it returns in the new program's table,
				// where the kernel renumbers it (as documented).
				execABI = syscallstat.Compat
			}
			e, _ := sum.Syscalls.Lookup(execABI, "execve")
			if g.Calls != 10 || g.Number != 64 || o.Errors < 1 || e.Calls != 1 {
				t.Errorf("compat getppid %+v, openat %+v, %v execve %+v", g, o, execABI, e)
			}
			if _, ok := sum.Syscalls.Lookup(syscallstat.Native, "getppid"); ok {
				t.Errorf("a compat getppid counted as native")
			}
		})
	}
	if _, err := exec.LookPath("strace"); err != nil {
		return
	}
	out := filepath.Join(t.TempDir(), "strace.out")
	if b, err := exec.Command("strace", "-c", "-f", "-o", out, bin).CombinedOutput(); err != nil {
		t.Fatalf("strace: %v\n%s", err, b)
	}
	b, _ := os.ReadFile(out)
	st, err := syscallstat.ParseSummary(b)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := st.Lookup(syscallstat.Compat, "getppid"); r.Calls != 10 {
		t.Errorf("strace's 32 bit mode table: getppid %+v", r)
	}
	if r, _ := st.Lookup(syscallstat.Compat, "openat"); r.Errors < 1 {
		t.Errorf("strace's 32 bit mode table: openat %+v", r)
	}
}
