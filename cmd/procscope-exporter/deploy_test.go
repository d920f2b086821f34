//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/procscope/procscope/internal/runctest"
	"github.com/procscope/procscope/proc"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
)

const deployDir = "../../deploy"

// decoder is the API machinery's own deserializer, strict: an unknown
// field, a duplicated one or one spelled in another case (hostPid) fails,
// as kubectl apply --validate=strict would.
var decoder = func() runtime.Decoder {
	s := runtime.NewScheme()
	if err := corev1.AddToScheme(s); err != nil {
		panic(err)
	}
	if err := appsv1.AddToScheme(s); err != nil {
		panic(err)
	}
	return serializer.NewCodecFactory(s, serializer.EnableStrict).UniversalDeserializer()
}()

// manifests decodes every file kubectl apply -f deploy/ reads (the .yaml,
// .yml and .json files of the directory itself) strictly into its k8s.io/api
// type: an unknown or duplicated field fails.
func manifests(t *testing.T) (map[string]any, map[string]string) {
	t.Helper()
	ents, err := os.ReadDir(deployDir)
	if err != nil {
		t.Fatal(err)
	}
	objs, raw := map[string]any{}, map[string]string{}
	for _, e := range ents {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".yaml" && ext != ".yml" && ext != ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(deployDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains("\n"+string(b), "\n---") {
			t.Errorf("%s: one object per file, please", e.Name())
		}
		obj, gvk, err := decoder.Decode(b, nil, nil)
		if err != nil {
			t.Errorf("%s: strict decoding: %v", e.Name(), err)
			continue
		}
		tm := metav1.TypeMeta{APIVersion: gvk.GroupVersion().String(), Kind: gvk.Kind}
		switch obj.(type) {
		case *corev1.Namespace, *corev1.ServiceAccount, *corev1.Service, *appsv1.DaemonSet:
		default:
			t.Fatalf("%s: unexpected %s %s", e.Name(), tm.APIVersion, tm.Kind)
		}
		if _, dup := objs[tm.Kind]; dup {
			t.Errorf("%s: a second %s", e.Name(), tm.Kind)
		}
		objs[tm.Kind], raw[tm.Kind] = obj, string(b)
	}
	return objs, raw
}

// TestManifestsStrict: the manifests decode strictly, and say what the
// issue asks: host pid namespace, /proc read-only, the fewest capabilities
// each named with its reason, read-only root, requests and limits,
// control-plane tolerations, a Service selecting the pods' port.
func TestManifestsStrict(t *testing.T) {
	objs, raw := manifests(t)
	for _, k := range []string{"Namespace", "ServiceAccount", "DaemonSet", "Service"} {
		if objs[k] == nil {
			t.Fatalf("no %s in %s", k, deployDir)
		}
	}
	ns := objs["Namespace"].(*corev1.Namespace).Name
	ds := objs["DaemonSet"].(*appsv1.DaemonSet)
	svc := objs["Service"].(*corev1.Service)
	sa := objs["ServiceAccount"].(*corev1.ServiceAccount)
	for _, m := range []metav1.ObjectMeta{ds.ObjectMeta, svc.ObjectMeta, sa.ObjectMeta} {
		if m.Namespace != ns {
			t.Errorf("%s is in namespace %q, not %q", m.Name, m.Namespace, ns)
		}
	}
	pod := ds.Spec.Template.Spec
	if !pod.HostPID {
		t.Error("hostPID is not set: the exporter would see its own pod only")
	}
	if pod.ServiceAccountName != sa.Name || pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Error("the pod must use the service account, with no token mounted")
	}
	if pod.HostNetwork {
		t.Error("hostNetwork: the exporter needs no host network")
	}
	sel, err := metav1.LabelSelectorAsMap(ds.Spec.Selector)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range sel {
		if ds.Spec.Template.Labels[k] != v || svc.Spec.Selector[k] != v {
			t.Errorf("selector %s=%s: the pod template or the service does not match", k, v)
		}
	}
	controlPlane := false
	for _, tol := range pod.Tolerations {
		if tol.Key == "node-role.kubernetes.io/control-plane" && tol.Operator == corev1.TolerationOpExists {
			controlPlane = true
		}
	}
	if !controlPlane {
		t.Error("no toleration for control-plane nodes")
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]
	sc := c.SecurityContext
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Error("the root file system is not read-only")
	}
	if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation || (sc.Privileged != nil && *sc.Privileged) {
		t.Error("privilege escalation allowed, or privileged")
	}
	if sc == nil || sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) {
		t.Fatal("capabilities: drop ALL first")
	}
	added := sc.Capabilities.Add
	slices.Sort(added)
	if want := []corev1.Capability{"DAC_READ_SEARCH", "SYS_PTRACE"}; !slices.Equal(added, want) {
		t.Errorf("capabilities added %v, want %v", added, want)
	}
	for _, capName := range added {
		named := false
		for _, line := range strings.Split(raw["DaemonSet"], "\n") {
			if strings.Contains(line, "- "+string(capName)+" #") && len(strings.TrimSpace(line[strings.Index(line, "#")+1:])) > 20 {
				named = true
			}
		}
		if !named {
			t.Errorf("capability %s is added without its reason in a comment on its line", capName)
		}
	}
	if pod.SecurityContext == nil || pod.SecurityContext.SeccompProfile == nil || pod.SecurityContext.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Error("no RuntimeDefault seccomp profile")
	}
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := c.Resources.Requests[r]; !ok {
			t.Errorf("no %s request", r)
		}
		if _, ok := c.Resources.Limits[r]; !ok {
			t.Errorf("no %s limit", r)
		}
	}
	// /proc read-only, from the host, where -root reads it.
	var procVol string
	for _, v := range pod.Volumes {
		if v.HostPath != nil && v.HostPath.Path == "/proc" {
			procVol = v.Name
		}
		if v.HostPath != nil && v.HostPath.Path != "/proc" {
			t.Errorf("volume %s mounts the host's %s: only /proc is needed", v.Name, v.HostPath.Path)
		}
	}
	mounted := ""
	for _, m := range c.VolumeMounts {
		if m.Name == procVol {
			if !m.ReadOnly {
				t.Error("/proc is mounted writable")
			}
			mounted = m.MountPath
		}
	}
	if procVol == "" || mounted == "" {
		t.Fatal("the host's /proc is not mounted")
	}
	cfg, err := parseFlags(append(slices.Clone(c.Command[min(len(c.Command), 1):]), c.Args...), os.Stderr)
	if err != nil {
		t.Fatalf("the container's arguments %q: %v", c.Args, err)
	}
	if cfg.root != mounted {
		t.Errorf("-root %q, but /proc is mounted at %q", cfg.root, mounted)
	}
	// The Service reaches the container's port by name.
	if len(svc.Spec.Ports) != 1 || len(c.Ports) != 1 {
		t.Fatalf("ports: service %v, container %v", svc.Spec.Ports, c.Ports)
	}
	if svc.Spec.Ports[0].TargetPort.String() != c.Ports[0].Name || !strings.HasSuffix(cfg.listen, ":"+strconv.Itoa(int(c.Ports[0].ContainerPort))) {
		t.Errorf("service targetPort %s, container port %s %d, -listen %s", svc.Spec.Ports[0].TargetPort.String(), c.Ports[0].Name, c.Ports[0].ContainerPort, cfg.listen)
	}
}

// TestStrictDecodingFails: the strict decoding the manifests pass does
// reject an unknown field.
func TestStrictDecodingFails(t *testing.T) {
	for _, field := range []string{"hostPid: true", "hostPIDs: true", "hostPID: true\n      hostPID: false"} {
		bad := "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n      " + field + "\n"
		if _, _, err := decoder.Decode([]byte(bad), nil, nil); err == nil {
			t.Errorf("%q decoded without error", field)
		}
	}
}

// TestAlertRules: the rules load with promtool check rules, and fire on
// the series they should (promtool test rules, deploy/prometheus/rules_test.yml).
func TestAlertRules(t *testing.T) {
	promtool := need(t, "promtool")
	dir := filepath.Join(deployDir, "prometheus")
	for _, args := range [][]string{{"check", "rules", "rules.yml"}, {"test", "rules", "rules_test.yml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, alert := range []string{"ProcscopeSecretInEnvironment", "ProcscopePrivilegedContainer", "ProcscopeContainerWithoutSeccomp"} {
		if !strings.Contains(string(b), "alert: "+alert+"\n") {
			t.Errorf("rules.yml has no alert %s", alert)
		}
	}
}

// TestReadmeQueries: the PromQL queries of the README's "Many machines"
// section parse (promtool check rules on a rule file recording each one),
// and name only metrics the exporter serves.
func TestReadmeQueries(t *testing.T) {
	promtool := need(t, "promtool")
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "## Many machines")
	if !ok {
		t.Fatal("README.md has no Many machines section")
	}
	_, rest, ok = strings.Cut(rest, "```promql\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("no promql block in the Many machines section")
	}
	rules := "groups:\n  - name: readme\n    rules:\n"
	served := map[string]bool{}
	for _, d := range []string{"procscope_container_processes", "procscope_container_threads", "procscope_container_open_fds",
		"procscope_container_findings", "procscope_container_secret_processes", "procscope_container_secret_variable_processes",
		"procscope_container_deleted_executable_processes", "procscope_unobserved_processes", "procscope_scrape_duration_seconds",
		"procscope_scrape_processes", "procscope_scrape_errors", "procscope_scrape_cut", "procscope_scrape_errors_total",
		"procscope_scrape_cuts_total", "procscope_scrapes_total"} {
		served[d] = true
	}
	n := 0
	for _, line := range strings.Split(block, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		n++
		rules += "      - record: readme:query" + strconv.Itoa(n) + "\n        expr: " + strconv.Quote(line) + "\n"
		for _, w := range strings.FieldsFunc(line, func(r rune) bool { return !(r == '_' || r >= 'a' && r <= 'z') }) {
			if strings.HasPrefix(w, "procscope_") && !served[w] {
				t.Errorf("README query %q: the exporter serves no %s", line, w)
			}
		}
	}
	if n < 5 {
		t.Fatalf("only %d queries", n)
	}
	f := filepath.Join(t.TempDir(), "readme.yml")
	if err := os.WriteFile(f, []byte(rules), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(promtool, "check", "rules", f).CombinedOutput(); err != nil {
		t.Errorf("the README's queries do not parse: %v\n%s", err, out)
	}
}

// TestManifestCapabilities runs the exporter as the DaemonSet does: uid 0
// with only the capabilities the manifest adds (setpriv --bounding-set,
// --no-new-privs), and audits a process of another user holding a secret.
// With them, every control of that process is observed (but the LSM ones
// where the kernel has none); without any one of them, some control goes
// unobserved for lack of permission: each is needed, and they suffice.
func TestManifestCapabilities(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run the exporter with chosen capabilities")
	}
	setpriv := need(t, "setpriv")
	gobin := need(t, "go")
	sleep := need(t, "sleep")
	objs, _ := manifests(t)
	sc := objs["DaemonSet"].(*appsv1.DaemonSet).Spec.Template.Spec.Containers[0].SecurityContext
	var caps []string
	for _, c := range sc.Capabilities.Add {
		caps = append(caps, strings.ToLower(string(c)))
	}
	bin := filepath.Join(t.TempDir(), "procscope-exporter")
	if out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	child := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", sleep, "600")
	child.Env = []string{"DB_PASSWORD=glacier-amber-nightfall-42"}
	child.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-child.Process.Pid, syscall.SIGKILL)
		child.Wait()
	})
	pid := child.Process.Pid
	runctest.WaitFor(t, "the child to run as uid 65534", func() bool {
		st, err := proc.Default().Process(pid).Status()
		return err == nil && st.UID.Effective == 65534 && strings.HasSuffix(st.Name, "sleep")
	})

	audit := func(keep []string) (findings []string, unobserved []string) {
		t.Helper()
		addr := freeLoopback(t)
		cmd := exec.Command(setpriv, "--bounding-set", "-all,+"+strings.Join(keep, ",+"), "--inh-caps", "-all", "--no-new-privs", bin, "-listen", addr)
		if len(keep) == 0 {
			cmd = exec.Command(setpriv, "--bounding-set", "-all", "--inh-caps", "-all", "--no-new-privs", bin, "-listen", addr)
		}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			cmd.Process.Kill()
			cmd.Wait()
		}()
		var row struct {
			Findings []struct {
				Control string `json:"control"`
			} `json:"findings"`
			Unobserved []struct {
				Control string `json:"control"`
				Reason  string `json:"reason"`
			} `json:"unobserved"`
		}
		runctest.WaitFor(t, "the exporter to serve /audit", func() bool {
			resp, err := http.Get("http://" + addr + "/audit?pid=" + strconv.Itoa(pid))
			if err != nil {
				return false
			}
			defer resp.Body.Close()
			return resp.StatusCode == 200 && json.NewDecoder(resp.Body).Decode(&row) == nil
		})
		for _, f := range row.Findings {
			findings = append(findings, f.Control)
		}
		for _, u := range row.Unobserved {
			if strings.Contains(u.Reason, "no LSM label") {
				continue // the kernel's doing, not a capability's
			}
			unobserved = append(unobserved, u.Control+": "+u.Reason)
		}
		return findings, unobserved
	}

	findings, unobserved := audit(caps)
	if len(unobserved) > 0 {
		t.Errorf("with %v: unobserved %q", caps, unobserved)
	}
	if !slices.Contains(findings, "secrets") {
		t.Errorf("with %v: no secrets finding for the other user's process (findings %v)", caps, findings)
	}
	for i := range caps {
		fewer := slices.Delete(slices.Clone(caps), i, i+1)
		_, unobserved := audit(fewer)
		denied := false
		for _, u := range unobserved {
			denied = denied || strings.Contains(u, "permission denied")
		}
		if !denied {
			t.Errorf("without %s: nothing denied (unobserved %q): the capability is not needed", caps[i], unobserved)
		}
	}
}
