//go:build linux

package main

import (
	"github.com/procscope/procscope/internal/cli/clitest"

	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/internal/runctest"
	"github.com/procscope/procscope/proc"
)

const ctrID = "3e74d3fd9db4c9dd921ae05c2502fb984d0cde1b36e581b13f79c639da4518a1"
const podUID = "3d274242-8ee0-11e9-a8a6-1e68d864ef1a"

var kinds = []string{"net", "pid", "ipc", "uts", "user", "cgroup", "mnt"}

// writeTree writes a /proc-like tree: pid 1 (the host reference) and pid
// 42, a container process in its own namespaces whose status has the given
// NoNewPrivs and capability set and whose environment is env.
func writeTree(t *testing.T, noNewPrivs, caps, env string) string {
	t.Helper()
	dir := t.TempDir()
	status := func(uid, nnp, caps string) string {
		return "Name:\tx\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t1\nNgid:\t0\nPid:\t1\nPPid:\t0\nTracerPid:\t0\n" +
			"Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t\nThreads:\t1\n" +
			"CapInh:\t0000000000000000\nCapPrm:\t" + caps + "\nCapEff:\t" + caps + "\nCapBnd:\t" + caps + "\nCapAmb:\t0000000000000000\n" +
			"NoNewPrivs:\t" + nnp + "\nSeccomp:\t2\nSeccomp_filters:\t1\n"
	}
	write := func(name, data string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	link := func(name, target string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	write("1/cgroup", "0::/\n")
	write("1/status", status("0", "0", "000001ffffffffff"))
	write("1/mountinfo", "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n")
	write("42/cgroup", "0::/kubepods/besteffort/pod"+podUID+"/"+ctrID+"\n")
	write("42/status", status("1000", noNewPrivs, caps))
	write("42/mountinfo", "500 400 0:99 / / ro,relatime - overlay overlay rw\n")
	write("42/environ", env)
	write("42/cmdline", "app\x00")
	write("42/attr/current", "docker-default (enforce)\n")
	write("42/uid_map", "0 100000 65536\n")
	for i, k := range kinds {
		link("1/ns/"+k, k+":["+strconv.Itoa(4000+i)+"]")
		link("42/ns/"+k, k+":["+strconv.Itoa(5000+i)+"]")
	}
	return dir
}

func runAudit(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code, err := run(args, &out, &errb)
	if err != nil {
		if code != 1 {
			t.Fatalf("run %q: error %v with exit %d", args, err, code)
		}
		errb.WriteString(err.Error())
	}
	return code, out.String(), errb.String()
}

// TestLevelAndExit: a process that breaks a restricted control only exits
// 0 at -level baseline and 2 at restricted; a clean one 0; errors 1.
func TestLevelAndExit(t *testing.T) {
	restrictedOnly := writeTree(t, "0", "0000000000000000", "PATH=/bin\x00")
	clean := writeTree(t, "1", "0000000000000000", "PATH=/bin\x00")
	baseline := writeTree(t, "1", "000001ffffffffff", "PATH=/bin\x00")
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"-root", restrictedOnly, "-level", "baseline", "42"}, 0},
		{[]string{"-root", restrictedOnly, "-level", "restricted", "42"}, 2},
		{[]string{"-root", restrictedOnly, "42"}, 2},
		{[]string{"-root", restrictedOnly, "-level", "baseline"}, 0},
		{[]string{"-root", restrictedOnly}, 2},
		{[]string{"-root", clean, "42"}, 0},
		{[]string{"-root", clean}, 0},
		{[]string{"-root", baseline, "-level", "baseline", "42"}, 2},
		{[]string{"-root", baseline, "-level", "baseline", "-json"}, 2},
		{[]string{"-root", clean, "43"}, 1},
		{[]string{"-root", clean, "-level", "strict"}, 1},
		{[]string{"-root", clean, "x"}, 1},
		{[]string{"-h"}, 0},
		{[]string{"-nosuchflag"}, 1},
	} {
		code, out, errs := runAudit(t, tt.args...)
		if code != tt.code {
			t.Errorf("audit %q: exit %d, want %d\nstdout: %s\nstderr: %s", tt.args, code, tt.code, out, errs)
		}
	}
}

// TestJSONKeys checks the public keys of a row and of a finding.
func TestJSONKeys(t *testing.T) {
	dir := writeTree(t, "0", "0000000000000000", "PATH=/bin\x00")
	for _, args := range [][]string{{"-root", dir, "-json", "42"}, {"-root", dir, "-json"}} {
		_, out, _ := runAudit(t, args...)
		var rows []map[string]any
		if len(args) == 4 {
			var one map[string]any
			if err := json.Unmarshal([]byte(out), &one); err != nil {
				t.Fatalf("%q: %v\n%s", args, err, out)
			}
			rows = []map[string]any{one}
		} else if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("%q: %v\n%s", args, err, out)
		}
		if len(rows) != 1 {
			t.Fatalf("%q: %d rows, want 1 (pid 1 is a host process)", args, len(rows))
		}
		r := rows[0]
		want := map[string]any{"runtime": "cri", "container_id": ctrID, "pod_uid": podUID, "qos": "BestEffort", "pids": []any{42.0}}
		for k, v := range want {
			if diff := cmp.Diff(v, r[k]); diff != "" {
				t.Errorf("%q: key %s (-want +got):\n%s", args, k, diff)
			}
		}
		fs, _ := r["findings"].([]any)
		if len(fs) != 1 {
			t.Fatalf("%q: findings %v, want the one privilege-escalation finding", args, r["findings"])
		}
		f := fs[0].(map[string]any)
		if diff := cmp.Diff(map[string]any{"control": "privilege-escalation", "level": "restricted", "evidence": "/proc/42/status: NoNewPrivs 0", "pid": 42.0}, f); diff != "" {
			t.Errorf("%q: finding (-want +got):\n%s", args, diff)
		}
	}
}

// TestRedacts: a secret in the environment is named, never printed.
func TestRedacts(t *testing.T) {
	dir := writeTree(t, "1", "0000000000000000", "PATH=/bin\x00DB_PASSWORD=river-frost-ember\x00")
	for _, args := range [][]string{{"-root", dir, "42"}, {"-root", dir, "-json", "42"}, {"-root", dir}, {"-root", dir, "-json"}} {
		code, out, errs := runAudit(t, args...)
		if code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
		if strings.Contains(out+errs, "river-frost-ember") {
			t.Errorf("%q: the secret's value is printed:\n%s", args, out)
		}
		if len(args) == 3 && !strings.Contains(out, "DB_PASSWORD=<redacted:password>") {
			t.Errorf("%q: the secret is not named:\n%s", args, out)
		}
	}
}

// TestRootMatchesLive: a fake /proc root holding only a real container
// process's cgroup file gives, with -root DIR -json PID, the identity that
// the live process gives.
func TestRootMatchesLive(t *testing.T) {
	runctest.Need(t)
	uid := runctest.NewPodUID(t)
	id := runctest.RandHex(t, 64)
	for _, path := range []string{
		"/kubepods/burstable/pod" + uid + "/" + id,
		"/kubepods.slice/kubepods-pod" + strings.ReplaceAll(uid, "-", "_") + ".slice/cri-containerd-" + id + ".scope",
	} {
		c := runctest.Start(t, runctest.Config{CgroupsPath: path, UID: 1000, Caps: []string{}})
		pid := strconv.Itoa(c.PID)
		_, live, errs := runAudit(t, "-json", pid)
		b, err := os.ReadFile("/proc/" + pid + "/cgroup")
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, pid), 0o700)
		if err := os.WriteFile(filepath.Join(dir, pid, "cgroup"), b, 0o600); err != nil {
			t.Fatal(err)
		}
		code, fake, ferrs := runAudit(t, "-root", dir, "-json", pid)
		if code == 1 {
			t.Fatalf("audit -root: exit 1: %s", ferrs)
		}
		var lr, fr map[string]any
		if err := json.Unmarshal([]byte(live), &lr); err != nil {
			t.Fatalf("live: %v: %s %s", err, live, errs)
		}
		if err := json.Unmarshal([]byte(fake), &fr); err != nil {
			t.Fatalf("fake root: %v: %s", err, fake)
		}
		for _, k := range []string{"runtime", "container_id", "pod_uid", "qos", "pids", "cgroup_driver", "cgroup_path"} {
			if diff := cmp.Diff(lr[k], fr[k]); diff != "" {
				t.Errorf("%s: key %s differs between live and -root (-live +root):\n%s", path, k, diff)
			}
		}
		if lr["container_id"] != id || lr["pod_uid"] != uid {
			t.Errorf("%s: live identity %v %v, want %s %s", path, lr["container_id"], lr["pod_uid"], id, uid)
		}
	}
}

// TestNonRoot runs audit as nobody on the live machine: it reports what it
// can read and says what it could not.
func TestNonRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to switch to an unprivileged user")
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	for d := filepath.Dir(dir); strings.HasPrefix(d, os.TempDir()) && d != os.TempDir(); d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	bin := filepath.Join(dir, "audit")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v: %s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code == 1 {
		t.Fatalf("audit as nobody: exit 1: %s", errb.String())
	}
	if !strings.HasPrefix(out.String(), "RUNTIME") {
		t.Errorf("no table: %q", out.String())
	}
	if !strings.Contains(errb.String(), "could not be read in full (permission denied") {
		t.Errorf("stderr does not say what could not be read: %s", errb.String())
	}
}

// TestCaptureMatchesLive captures a real container's process (and this
// test's own, the reference) and audits the capture: identity, findings
// and unobserved controls are those of the live process.
func TestCaptureMatchesLive(t *testing.T) {
	runctest.Need(t)
	uid := runctest.NewPodUID(t)
	id := runctest.RandHex(t, 64)
	c := runctest.Start(t, runctest.Config{
		CgroupsPath: "/kubepods/besteffort/pod" + uid + "/" + id,
		Env:         []string{"DB_PASSWORD=river-frost-ember"},
	})
	pid, self := strconv.Itoa(c.PID), strconv.Itoa(os.Getpid())
	code, live, errs := runAudit(t, "-json", "-ref", self, pid)
	if code != 2 {
		t.Fatalf("live: exit %d: %s", code, errs)
	}
	dir := filepath.Join(t.TempDir(), "capture")
	if _, err := proc.Capture(dir, proc.Default(), []int{os.Getpid(), c.PID}, nil); err != nil {
		t.Fatal(err)
	}
	code, captured, errs := runAudit(t, "-root", dir, "-json", "-ref", self, pid)
	if code != 2 {
		t.Fatalf("capture: exit %d: %s", code, errs)
	}
	var lr, cr map[string]any
	if err := json.Unmarshal([]byte(live), &lr); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(captured), &cr); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(lr, cr); diff != "" {
		t.Errorf("audit of the capture differs from the live process (-live +capture):\n%s", diff)
	}
	if strings.Contains(captured, "river-frost-ember") {
		t.Error("the capture's audit prints the secret")
	}
}

// TestHelp: -h, -help and --help print the usage, naming the arguments, on
// stdout and exit 0, as in every example.
func TestHelp(t *testing.T) {
	clitest.Help(t, "PID", "-level baseline|restricted")
}

// TestBadRoot: a -root that does not exist, is a regular file or holds a
// garbage capture.json is a one-line error naming it (main exits 1).
func TestBadRoot(t *testing.T) {
	for what, dir := range clitest.BadRoots(t) {
		t.Run(what, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code, err := run([]string{"-root", dir, "-json"}, &out, &errOut)
			if code != 1 {
				t.Errorf("exit code %d; want 1", code)
			}
			clitest.CheckRootError(t, err, dir)
		})
	}
}

// TestMonitorIsHost: a runtime's monitor (CRI-O's conmon) runs on the host,
// outside the container it watches, in the host's namespaces and with the
// runtime's privileges. Like any process outside a container it is audited
// with -host only: otherwise its host posture would stand, beside the
// pod's UID, for the pod's, and every CRI-O node would exit 2.
func TestMonitorIsHost(t *testing.T) {
	dir := writeTree(t, "1", "0000000000000000", "PATH=/bin\x00")
	write := func(name, data string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	host, err := os.ReadFile(filepath.Join(dir, "1", "status"))
	if err != nil {
		t.Fatal(err)
	}
	write("43/cgroup", "0::/kubepods/besteffort/pod"+podUID+"/crio-conmon-"+ctrID+"\n")
	write("43/status", string(host))
	write("43/mountinfo", "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n")
	write("43/environ", "PATH=/bin\x00")
	write("43/cmdline", "conmon\x00")
	write("43/attr/current", "unconfined\n")
	if err := os.MkdirAll(filepath.Join(dir, "43", "ns"), 0o700); err != nil {
		t.Fatal(err)
	}
	for i, k := range kinds { // the host's namespaces, as pid 1's
		if err := os.Symlink(k+":["+strconv.Itoa(4000+i)+"]", filepath.Join(dir, "43", "ns", k)); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs := runAudit(t, "-root", dir, "-json")
	if code != 0 || strings.Contains(out, "monitor_of") {
		t.Errorf("without -host: exit %d, want 0 and no monitor row:\n%s\n%s", code, out, errs)
	}
	code, out, _ = runAudit(t, "-root", dir, "-json", "-host")
	if code != 2 || !strings.Contains(out, `"monitor_of": "`+ctrID+`"`) {
		t.Errorf("with -host: exit %d, want 2 and the monitor's row:\n%s", code, out)
	}
}
