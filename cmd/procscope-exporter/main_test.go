//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"github.com/procscope/procscope/internal/auditjson"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/container"
	"github.com/procscope/procscope/internal/cli"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

const (
	podUID  = "3d274242-8ee0-11e9-a8a6-1e68d864ef1a"
	ctrA    = "3e74d3fd9db4c9dd921ae05c2502fb984d0cde1b36e581b13f79c639da4518a1"
	ctrB    = "b7a3c1e2d4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1"
	secretV = "river-frost-ember"
)

// fakeNode is a node in a proctest tree: pid 1 on the host; two processes
// of container A (burstable pod, cgroupfs driver; one with a password in
// its environment, one with four threads); one of container B (systemd
// driver, privileged: every capability, no seccomp, unconfined); a host
// process of another user whose environment may not be read; and a process
// that exits between the listing and the reading.
func fakeNode(t *testing.T) string {
	t.Helper()
	own := func(base uint64) map[string]uint64 {
		ns := map[string]uint64{}
		for i, k := range container.NamespaceKinds {
			ns[k] = base + uint64(i)
		}
		return ns
	}
	files := func(uidMap string) map[string]string {
		return map[string]string{"mountinfo": "500 400 0:99 / / ro,relatime - overlay overlay rw\n", "uid_map": uidMap + "\n"}
	}
	none := &proctest.Caps{}
	tr := proctest.Tree{Processes: []proctest.Process{
		{PID: 1, Comm: "init", Cmdline: []string{"init"}, Cgroup: "/init.scope", Label: "unconfined\n",
			FDs: []proctest.FD{proctest.File(0, "/dev/null", 0), proctest.File(1, "/dev/null", 1), proctest.File(2, "/dev/null", 1)}},
		{PID: 42, PPID: 1, Comm: "app", Cmdline: []string{"app"}, Environ: []string{"PATH=/bin", "DB_PASSWORD=" + secretV},
			UID: 1000, Caps: none, NoNewPrivs: true, Seccomp: proc.SeccompFilter, SeccompFilters: 1, Label: "docker-default (enforce)\n",
			Cgroup: "/kubepods/burstable/pod" + podUID + "/" + ctrA, Namespaces: own(5000), Files: files("0 100000 65536"),
			Threads: []proctest.Thread{{TID: 142}, {TID: 143}, {TID: 144}},
			FDs: []proctest.FD{proctest.File(0, "/dev/null", 0), proctest.File(1, "/dev/null", 1), proctest.File(2, "/dev/null", 1),
				proctest.File(3, "/data/a", 2), proctest.File(4, "/data/b", 2)}},
		{PID: 43, PPID: 42, Comm: "worker", Cmdline: []string{"worker"}, Environ: []string{"PATH=/bin"},
			UID: 1000, Caps: none, NoNewPrivs: false, Seccomp: proc.SeccompFilter, SeccompFilters: 1, Label: "docker-default (enforce)\n",
			Cgroup: "/kubepods/burstable/pod" + podUID + "/" + ctrA, Namespaces: own(5000), Files: files("0 100000 65536"),
			Threads: []proctest.Thread{{TID: 145}}, FDs: []proctest.FD{proctest.File(0, "/dev/null", 0)}},
		{PID: 50, PPID: 1, Comm: "sh", Cmdline: []string{"sh"}, Environ: []string{"HOME=/root"}, Label: "unconfined\n",
			Cgroup: "/system.slice/docker-" + ctrB + ".scope", Namespaces: own(6000), Files: files("0 0 4294967295"),
			FDs: []proctest.FD{proctest.File(0, "/dev/null", 0), proctest.File(1, "/dev/null", 1)}},
		{PID: 60, PPID: 1, Comm: "daemon", Cmdline: []string{"daemon"}, Environ: []string{"TOKEN=x"}, UID: 1001, Label: "unconfined\n",
			Cgroup: "/system.slice/daemon.service", Refused: []string{"environ"}},
		{PID: 70, PPID: 1, Comm: "gone", Cgroup: "/system.slice/gone.service", Gone: true},
	}}
	dir := filepath.Join(t.TempDir(), "node")
	if err := tr.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

type families map[string]*dto.MetricFamily

func getMetrics(t *testing.T, h http.Handler, header map[string]string) (families, string) {
	t.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Body)
	}
	body := rec.Body.String()
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse /metrics: %v\n%s", err, body)
	}
	return fams, body
}

// value sums the series of name whose labels include want; n is how many.
func (f families) value(name string, want map[string]string) (v float64, n int) {
	mf := f[name]
	if mf == nil {
		return 0, 0
	}
next:
	for _, m := range mf.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for k, w := range want {
			if have[k] != w {
				continue next
			}
		}
		n++
		switch {
		case m.Gauge != nil:
			v += m.Gauge.GetValue()
		case m.Counter != nil:
			v += m.Counter.GetValue()
		}
	}
	return v, n
}

func newTestHandler(t *testing.T, args ...string) http.Handler {
	t.Helper()
	c, err := parseFlags(args, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	h, err := newHandler(c)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func ctr(id, runtime, qos string) map[string]string {
	pod := ""
	if qos != "" {
		pod = podUID
	}
	return map[string]string{"runtime": runtime, "container_id": id, "pod_uid": pod, "qos": qos}
}

func plus(m map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// TestMetricsFakeTree checks every per-container series against a fake
// node whose processes are known.
func TestMetricsFakeTree(t *testing.T) {
	h := newTestHandler(t, "-root", fakeNode(t))
	f, body := getMetrics(t, h, nil)
	a, b := ctr(ctrA, "cri", "Burstable"), ctr(ctrB, "docker", "")
	host := ctr("", "host", "")
	for _, tt := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"procscope_container_processes", a, 2},
		{"procscope_container_processes", b, 1},
		{"procscope_container_processes", host, 2},
		{"procscope_container_threads", a, 6},
		{"procscope_container_threads", b, 1},
		{"procscope_container_open_fds", a, 6},
		{"procscope_container_open_fds", b, 2},
		{"procscope_container_open_fds", host, 3},
		{"procscope_container_secret_processes", plus(a, "source", "environ"), 1},
		{"procscope_container_secret_processes", plus(a, "source", "cmdline"), 0},
		{"procscope_container_secret_processes", plus(b, "source", "environ"), 0},
		{"procscope_container_findings", plus(a, "control", "privilege-escalation", "level", "restricted"), 1},
		{"procscope_container_findings", plus(a, "control", "secrets", "level", "baseline"), 1},
		{"procscope_container_findings", plus(b, "control", "privileged-containers", "level", "baseline"), 1},
		{"procscope_container_findings", plus(b, "control", "seccomp", "level", "restricted"), 1},
		{"procscope_container_findings", plus(b, "control", "running-as-non-root", "level", "restricted"), 1},
		{"procscope_container_deleted_executable_processes", a, 0},
		{"procscope_scrape_processes", nil, 5}, // pid 70 exited: left out, not an error
		{"procscope_scrape_cut", nil, 0},
		{"procscope_scrape_errors", map[string]string{"kind": "other"}, 0},
		{"procscope_scrape_errors", map[string]string{"kind": "gone"}, 0},
		{"procscope_scrape_errors", map[string]string{"kind": "permission"}, 1}, // pid 60's environ
		{"procscope_scrape_errors_total", map[string]string{"kind": "permission"}, 1},
		{"procscope_unobserved_processes", map[string]string{"control": "secrets"}, 1},
	} {
		got, n := f.value(tt.name, tt.labels)
		if n != 1 || got != tt.want {
			t.Errorf("%s%v = %v (%d series), want %v", tt.name, tt.labels, got, n, tt.want)
		}
	}
	// Container A has no seccomp finding, and pid 1 (a host process) no
	// finding at all without -host.
	for _, l := range []map[string]string{plus(a, "control", "seccomp"), plus(a, "control", "privileged-containers"), host} {
		if _, n := f.value("procscope_container_findings", l); n != 0 {
			t.Errorf("procscope_container_findings%v: %d series, want none", l, n)
		}
	}
	if _, n := f.value("procscope_scrape_errors", nil); n != len(errorKinds) {
		t.Errorf("procscope_scrape_errors: %d series, want %d (one per kind)", n, len(errorKinds))
	}
	if strings.Contains(body, secretV) || strings.Contains(body, "DB_PASSWORD") {
		t.Errorf("/metrics holds the secret or its variable's name:\n%s", body)
	}
	for _, mf := range f {
		for _, m := range mf.Metric {
			for _, l := range m.Label {
				if l.GetName() == "pid" || l.GetValue() == "42" {
					t.Errorf("%s has a pid label: %v", mf.GetName(), m.Label)
				}
			}
		}
	}

	h = newTestHandler(t, "-root", fakeNode(t), "-host")
	f, _ = getMetrics(t, h, nil)
	if v, _ := f.value("procscope_container_findings", plus(host, "control", "running-as-non-root")); v != 1 {
		t.Errorf("-host: pid 1's running-as-non-root finding = %v, want 1", v)
	}
}

// TestSecretNames: a variable's name is a label only when -secret-names
// allows it, and the value never is.
func TestSecretNames(t *testing.T) {
	dir := fakeNode(t)
	for _, tt := range []struct {
		names string
		want  int
	}{{"", 0}, {"API_KEY", 0}, {"API_KEY,DB_PASSWORD", 1}} {
		f, body := getMetrics(t, newTestHandler(t, "-root", dir, "-secret-names", tt.names), nil)
		v, n := f.value("procscope_container_secret_variable_processes", map[string]string{"name": "DB_PASSWORD", "container_id": ctrA})
		if n != tt.want || (n == 1 && v != 1) {
			t.Errorf("-secret-names %q: DB_PASSWORD series %d (value %v), want %d", tt.names, n, v, tt.want)
		}
		if tt.want == 0 && strings.Contains(body, "DB_PASSWORD") {
			t.Errorf("-secret-names %q: the name is exported", tt.names)
		}
		if strings.Contains(body, secretV) {
			t.Errorf("-secret-names %q: the value is exported", tt.names)
		}
	}
}

// TestDeadline: a scrape whose deadline (the Prometheus header less the
// offset) has passed is cut and says so; one with time to spare is not.
func TestDeadline(t *testing.T) {
	h := newTestHandler(t, "-timeout-offset", "0")
	for _, tt := range []struct {
		header string
		cut    float64
	}{{"0.000000001", 1}, {"60", 0}, {"0.000000001", 1}} {
		f, _ := getMetrics(t, h, map[string]string{"X-Prometheus-Scrape-Timeout-Seconds": tt.header})
		if v, _ := f.value("procscope_scrape_cut", nil); v != tt.cut {
			t.Errorf("timeout %s s: procscope_scrape_cut = %v, want %v", tt.header, v, tt.cut)
		}
		if tt.cut == 0 {
			if v, _ := f.value("procscope_scrape_processes", nil); v < 2 {
				t.Errorf("timeout %s s: %v processes read, want the whole machine", tt.header, v)
			}
		}
	}
	f, _ := getMetrics(t, h, nil)
	if v, _ := f.value("procscope_scrape_cuts_total", nil); v != 2 {
		t.Errorf("procscope_scrape_cuts_total = %v, want 2", v)
	}
	s := &server{c: config{timeoutOffset: 500 * time.Millisecond, scrapeTimeout: 10 * time.Second}}
	for _, tt := range []struct {
		header string
		want   time.Duration
	}{{"", 10 * time.Second}, {"10", 9500 * time.Millisecond}, {"0.25", 250 * time.Millisecond}, {"x", 10 * time.Second}, {"-1", 10 * time.Second}} {
		r := httptest.NewRequest("GET", "/metrics", nil)
		if tt.header != "" {
			r.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", tt.header)
		}
		if d, ok := s.deadline(r); !ok || d != tt.want {
			t.Errorf("header %q: deadline %v %v, want %v", tt.header, d, ok, tt.want)
		}
	}
}

// TestListensOnLoopback: the default address is loopback, and run serves
// /metrics there.
func TestListensOnLoopback(t *testing.T) {
	c, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	host, _, err := net.SplitHostPort(c.listen)
	if err != nil {
		t.Fatal(err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		t.Errorf("default -listen %q is not a loopback address", c.listen)
	}
	addr := startExporter(t, "-listen", "127.0.0.1:0")
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), "procscope_container_processes{") {
		t.Errorf("GET /metrics: %s\n%s", resp.Status, b)
	}
	if err := run(context.Background(), []string{"-h"}, io.Discard, nil); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v, want flag.ErrHelp (exit 0)", err)
	}
}

// startExporter runs the exporter until the test ends and returns its
// address.
func startExporter(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, io.Discard, func(a net.Addr) { addrc <- a.String() }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	select {
	case a := <-addrc:
		return a
	case err := <-done:
		t.Fatalf("run: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the exporter did not start")
	}
	return ""
}

// TestChurn scrapes the live /proc while short-lived children come and go:
// every scrape succeeds, the error series stay the fixed set, no label
// holds a child's pid, and the series do not grow with the churn.
func TestChurn(t *testing.T) {
	sleepPath, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep(1) to churn with")
	}
	h := newTestHandler(t)
	quiet, _ := getMetrics(t, h, nil)
	ctx, cancel := context.WithCancel(context.Background())
	var pids = make(chan int, 1<<16)
	done := make(chan struct{})
	const workers = 8
	for i := 0; i < workers; i++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for ctx.Err() == nil {
				// Lifetimes of 1 to 8 ms: some exit while a scrape reads them.
				cmd := exec.Command(sleepPath, "0.00"+strconv.Itoa(1+len(pids)%8))
				if err := cmd.Start(); err != nil {
					continue
				}
				select {
				case pids <- cmd.Process.Pid:
				default:
				}
				cmd.Wait()
			}
		}()
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			for i := 0; i < workers; i++ {
				<-done
			}
			close(pids)
		})
	}
	t.Cleanup(stop)
	keys := map[string]bool{}
	for _, s := range seriesKeys(quiet) {
		keys[s] = true
	}
	base := len(keys)
	const scrapes = 40
	var f families
	for i := 0; i < scrapes; i++ {
		f, _ = getMetrics(t, h, nil)
		if _, n := f.value("procscope_scrape_errors", nil); n != len(errorKinds) {
			t.Errorf("scrape %d: %d procscope_scrape_errors series, want %d", i, n, len(errorKinds))
		}
		if v, _ := f.value("procscope_scrape_errors", map[string]string{"kind": "other"}); v != 0 {
			t.Errorf("scrape %d: %v errors of kind other", i, v)
		}
		for _, s := range seriesKeys(f) {
			keys[s] = true
		}
	}
	stop()
	gone, _ := f.value("procscope_scrape_errors_total", map[string]string{"kind": "gone"})
	t.Logf("%v processes exited while read, over %d scrapes", gone, scrapes+1)
	var childPIDs []string
	for p := range pids {
		childPIDs = append(childPIDs, strconv.Itoa(p))
	}
	if len(childPIDs) < scrapes {
		t.Fatalf("only %d children started: no churn to test", len(childPIDs))
	}
	for k := range keys {
		if !strings.HasPrefix(k, "procscope_") {
			continue
		}
		for _, p := range childPIDs {
			if strings.Contains(k, `="`+p+`"`) {
				t.Errorf("series %s holds child pid %s", k, p)
			}
		}
	}
	// Every label but a container's identity takes its value from a fixed
	// set, and the children share this test's container (or host) group:
	// the series cannot grow with them. (Other tests running meanwhile may
	// start containers of their own, which add their groups' series.)
	own, err := container.Read(proc.Default().Process(os.Getpid()), nil)
	if err != nil {
		t.Fatal(err)
	}
	ownGroup := map[string]string{"runtime": string(own.Runtime), "container_id": own.ContainerID, "pod_uid": own.PodUID, "qos": string(own.QoS)}
	fixed := map[string][]string{
		"kind":   errorKinds,
		"level":  {"baseline", "restricted"},
		"source": {"environ", "cmdline", "other"},
		"control": {string(container.HostNamespaces), string(container.PrivilegedContainers), string(container.Capabilities),
			string(container.HostPathVolumes), string(container.AppArmor), string(container.SELinux), string(container.Seccomp),
			string(container.PrivilegeEscalation), string(container.RunningAsNonRoot), string(container.HostUserNamespace),
			string(container.ReadOnlyRootFilesystem), string(container.Secrets), string(container.DeletedExecutable),
			string(container.HostNetworkListener)},
	}
	ownSeries := 0
	for k := range keys {
		labels := parseKey(k)
		for name, v := range labels {
			if _, isID := ownGroup[name]; isID {
				continue
			}
			if !slices.Contains(fixed[name], v) {
				t.Errorf("series %s: label %s=%q is not from a fixed set", k, name, v)
			}
		}
		if _, ok := labels["runtime"]; ok && labels["runtime"] == ownGroup["runtime"] && labels["container_id"] == ownGroup["container_id"] &&
			labels["pod_uid"] == ownGroup["pod_uid"] && labels["qos"] == ownGroup["qos"] {
			ownSeries++
		}
	}
	// processes, threads, fds, deleted executables, three secret sources,
	// and at most every control at both levels.
	if max := 4 + 3 + 2*len(fixed["control"]); ownSeries > max {
		t.Errorf("%d series of this test's group over %d scrapes of %d children, at most %d possible", ownSeries, scrapes, len(childPIDs), max)
	}
	t.Logf("%d series (%d when quiet), %d of this test's group", len(keys), base, ownSeries)
}

// parseKey returns the labels of a seriesKeys key.
func parseKey(k string) map[string]string {
	out := map[string]string{}
	_, body, _ := strings.Cut(strings.TrimSuffix(k, "}"), "{")
	for body != "" {
		name, rest, _ := strings.Cut(body, "=")
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			out[name] = rest
			break
		}
		out[name], _ = strconv.Unquote(q)
		body = strings.TrimPrefix(rest[len(q):], ",")
	}
	return out
}

func seriesKeys(f families) []string {
	var out []string
	for name, mf := range f {
		if !strings.HasPrefix(name, "procscope_") {
			continue
		}
		for _, m := range mf.Metric {
			var l []string
			for _, p := range m.Label {
				l = append(l, p.GetName()+"="+strconv.Quote(p.GetValue()))
			}
			slices.Sort(l)
			out = append(out, name+"{"+strings.Join(l, ",")+"}")
		}
	}
	return out
}

// TestPromtoolCheckMetrics: the exposition of the live machine and of the
// fake node pass `promtool check metrics`.
func TestPromtoolCheckMetrics(t *testing.T) {
	promtool := need(t, "promtool")
	for _, args := range [][]string{nil, {"-root", fakeNode(t), "-host", "-secret-names", "DB_PASSWORD"}} {
		_, body := getMetrics(t, newTestHandler(t, args...), nil)
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = strings.NewReader(body)
		out, err := cmd.CombinedOutput()
		if err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Errorf("promtool check metrics (%q): %v\n%s", args, err, out)
		}
	}
}

func need(t *testing.T, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		t.Skipf("%s not installed (.ci/run installs it): %v", tool, err)
	}
	return p
}

// TestAuditMatchesAuditJSON: /audit serves what `audit -json` prints, for
// the whole node, at each level, with -host, and for one pid, but for the
// secrets' names (noSecretNames).
func TestAuditMatchesAuditJSON(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build examples/audit")
	}
	audit := filepath.Join(t.TempDir(), "audit")
	if out, err := exec.Command(gobin, "build", "-o", audit, "../../examples/audit").CombinedOutput(); err != nil {
		t.Fatalf("go build examples/audit: %v\n%s", err, out)
	}
	dir := fakeNode(t)
	h := newTestHandler(t, "-root", dir)
	for _, tt := range []struct {
		query string
		args  []string
	}{
		{"", nil},
		{"?level=baseline", []string{"-level", "baseline"}},
		{"?host=1", []string{"-host"}},
		{"?pid=42", []string{"42"}},
		{"?pid=50&level=baseline", []string{"-level", "baseline", "50"}},
	} {
		cmd := exec.Command(audit, append([]string{"-root", dir, "-json"}, tt.args...)...)
		want, err := cmd.Output()
		var ee *exec.ExitError
		if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 2) {
			t.Fatalf("audit %q: %v", tt.args, err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/audit"+tt.query, nil))
		if rec.Code != 200 {
			t.Fatalf("/audit%s: %d %s", tt.query, rec.Code, rec.Body)
		}
		var w, g any
		if err := json.Unmarshal(noSecretNames(t, want), &w); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &g); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("/audit%s differs from audit -json %q (-audit +exporter):\n%s", tt.query, tt.args, diff)
		}
		if strings.Contains(rec.Body.String(), secretV) {
			t.Errorf("/audit%s serves the secret", tt.query)
		}
	}
	for _, tt := range []struct {
		query string
		code  int
	}{{"?level=strict", 400}, {"?pid=x", 400}, {"?pid=999", 404}, {"?host=maybe", 400}} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/audit"+tt.query, nil))
		if rec.Code != tt.code {
			t.Errorf("/audit%s: %d, want %d", tt.query, rec.Code, tt.code)
		}
	}
}

// noSecretNames applies to audit -json's output what /audit does without
// -secret-names: a secret's name leaves the evidence.
func noSecretNames(t *testing.T, b []byte) []byte {
	t.Helper()
	one := !bytes.HasPrefix(bytes.TrimSpace(b), []byte("["))
	var rows []auditjson.Row
	if one {
		var r auditjson.Row
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("audit -json: %v", err)
		}
		rows = []auditjson.Row{r}
	} else if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatalf("audit -json: %v", err)
	}
	for _, r := range rows {
		for i, f := range r.Findings {
			r.Findings[i] = unnamed(f, nil)
		}
	}
	var v any = rows
	if one {
		v = rows[0]
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAuditNoSecretNames: /audit names a secret's variable (or flag) only
// when -secret-names lists it, as /metrics does; the value never.
func TestAuditNoSecretNames(t *testing.T) {
	dir := fakeNode(t)
	for _, tt := range []struct {
		names string
		want  bool
	}{{"", false}, {"OTHER", false}, {"DB_PASSWORD", true}} {
		h := newTestHandler(t, "-root", dir, "-secret-names", tt.names)
		for _, q := range []string{"?level=baseline", "?pid=42", "?pid=42&level=baseline"} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/audit"+q, nil))
			body := rec.Body.String()
			if rec.Code != 200 || !strings.Contains(body, "/proc/42/environ: ") || !strings.Contains(body, "<redacted:") {
				t.Fatalf("-secret-names %q /audit%s: %d, no secrets finding:\n%s", tt.names, q, rec.Code, body)
			}
			if got := strings.Contains(body, "DB_PASSWORD"); got != tt.want {
				t.Errorf("-secret-names %q /audit%s: serves the name %v, want %v:\n%s", tt.names, q, got, tt.want, body)
			}
			if strings.Contains(body, secretV) {
				t.Errorf("-secret-names %q /audit%s serves the value", tt.names, q)
			}
		}
	}
	allowed := map[string]bool{"--db-password": true}
	for _, tt := range []struct{ in, want string }{
		{"/proc/7/environ: DB_PASSWORD=<redacted:password>", "/proc/7/environ: <redacted:password>"},
		{"/proc/7/environ: <redacted:jwt>", "/proc/7/environ: <redacted:jwt>"},
		{"/proc/7/cmdline: argument 2 (PGPASSWORD) <redacted:password>", "/proc/7/cmdline: argument 2 <redacted:password>"},
		{"/proc/7/cmdline: argument 2 (--db-password) <redacted:password>", "/proc/7/cmdline: argument 2 (--db-password) <redacted:password>"},
		{"/proc/7/cmdline: argument 3 (a value) <redacted:jwt>", "/proc/7/cmdline: argument 3 <redacted:jwt>"},
		{"/proc/7/cmdline: something SECRET_NAME new", "/proc/7/cmdline: <redacted>"},
	} {
		got := unnamed(container.Finding{Control: container.Secrets, Evidence: tt.in}, allowed).Evidence
		if got != tt.want {
			t.Errorf("unnamed(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// BenchmarkScrape reads the live /proc as a scrape does (bench/exporter.sh
// compares whole scrapes with process-exporter on a large population).
func BenchmarkScrape(b *testing.B) {
	c, err := parseFlags(nil, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	h, err := newHandler(c)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// TestThreads: the thread count from /proc/PID/task's link count is
// num_threads of stat, for processes with one thread and with many.
func TestThreads(t *testing.T) {
	fsys := proc.Default()
	if !fsys.Live() {
		t.Skip("/proc is not a mounted proc file system")
	}
	for _, pid := range []int{os.Getpid(), os.Getppid(), 1} {
		p := fsys.Process(pid)
		st, err := p.Stat()
		if err != nil {
			continue
		}
		n, err := threads(fsys, p)
		if err != nil || n != st.NumThreads {
			t.Errorf("pid %d: %d threads (%v), stat says %d", pid, n, err, st.NumThreads)
		}
	}
}

// TestLabelNotUTF8: a cgroup name is any bytes (an unprivileged user can
// make lxc.payload.<name> under a delegated subtree); a label value that
// is not UTF-8 makes client_golang's MustNewConstMetric panic in the
// gatherer's goroutine, which would take the exporter down. The scrape
// succeeds and the series keeps the name, with the bad bytes replaced.
func TestLabelNotUTF8(t *testing.T) {
	tr := proctest.Tree{Processes: []proctest.Process{
		{PID: 1, Comm: "init", Cmdline: []string{"init"}, Cgroup: "/init.scope"},
		{PID: 80, PPID: 1, Comm: "lxc", Cmdline: []string{"lxc"},
			Cgroup: "/user.slice/user-1000.slice/user@1000.service/lxc.payload.web\xff01"},
	}}
	dir := filepath.Join(t.TempDir(), "node")
	if err := tr.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	f, _ := getMetrics(t, newTestHandler(t, "-root", dir), nil)
	if v, n := f.value("procscope_container_processes", map[string]string{"runtime": "lxc", "container_id": "web\uFFFD01"}); n != 1 || v != 1 {
		t.Errorf("lxc container web\\xff01: %d series, value %v; want 1, 1", n, v)
	}
	if _, n := f.value("procscope_scrape_cut", nil); n != 1 {
		t.Errorf("procscope_scrape_cut: %d series, want 1 (the scrape's collection stopped)", n)
	}
}

// TestMonitorFindingsHostOnly: CRI-O's conmon runs on the host, in the
// host's namespaces with the runtime's privileges, in a cgroup beside the
// container's that names the pod. Its findings are the host's: exported
// with -host only (and served on /audit with ?host=1), never under the pod's labels by
// default, where the privileged-container alert would take them for the pod.
func TestMonitorFindingsHostOnly(t *testing.T) {
	host := map[string]uint64{}
	for i, k := range container.NamespaceKinds {
		host[k] = uint64(4000 + i)
	}
	tr := proctest.Tree{Processes: []proctest.Process{
		{PID: 1, Comm: "init", Cmdline: []string{"init"}, Cgroup: "/init.scope", Namespaces: host},
		{PID: 90, PPID: 1, Comm: "conmon", Cmdline: []string{"conmon"}, Namespaces: host,
			Cgroup: "/kubepods/besteffort/pod" + podUID + "/crio-conmon-" + ctrA},
	}}
	dir := filepath.Join(t.TempDir(), "node")
	if err := tr.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want bool
	}{{[]string{"-root", dir}, false}, {[]string{"-root", dir, "-host"}, true}} {
		h := newTestHandler(t, tt.args...)
		f, _ := getMetrics(t, h, nil)
		pod := map[string]string{"runtime": "cri-o", "pod_uid": podUID}
		if v, _ := f.value("procscope_container_processes", pod); v != 1 {
			t.Errorf("%q: the monitor's processes %v, want 1", tt.args, v)
		}
		if _, n := f.value("procscope_container_findings", plus(pod, "control", "host-namespaces")); (n > 0) != tt.want {
			t.Errorf("%q: the monitor's host-namespaces series: %d, want present %v", tt.args, n, tt.want)
		}
		url := "/audit"
		if tt.want {
			url += "?host=1"
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
		if got := strings.Contains(rec.Body.String(), `"monitor_of"`); got != tt.want {
			t.Errorf("%q: /audit has the monitor's row: %v, want %v\n%s", tt.args, got, tt.want, rec.Body)
		}
	}
}

// TestAuditOneScanAtATime: /audit reads the whole node as a scrape does,
// one scan at a time with the scrapes: requests that pile up (the port is
// open to the cluster in deploy/) wait their turn, and one whose client
// gives up while waiting gets 503 without reading /proc.
func TestAuditOneScanAtATime(t *testing.T) {
	fsys, err := cli.OpenRoot(fakeNode(t))
	if err != nil {
		t.Fatal(err)
	}
	s := &server{fsys: fsys, e: newExporter(fsys, false, nil)}
	s.e.sem <- struct{}{} // a scan under way
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	rec := httptest.NewRecorder()
	s.audit(rec, httptest.NewRequest("GET", "/audit", nil).WithContext(ctx))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("/audit while a scan is under way, client gone: %d, want 503\n%s", rec.Code, rec.Body)
	}
	<-s.e.sem
	rec = httptest.NewRecorder()
	s.audit(rec, httptest.NewRequest("GET", "/audit", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), ctrA) {
		t.Errorf("/audit: %d\n%s", rec.Code, rec.Body)
	}
}
