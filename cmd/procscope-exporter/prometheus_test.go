//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/procscope/procscope/container"
	"github.com/procscope/procscope/internal/runctest"
	"github.com/procscope/procscope/proc"
)

// TestPrometheusScrapes runs the real Prometheus server against the
// exporter, both on loopback: two runc containers (one kubelet cgroupfs
// layout without seccomp, one kubelet systemd layout with a filter and a
// password planted in its environment) and a host process with a password
// in its command line. Prometheus must store each container's series with
// its identity as labels, the findings as configured, the planted secrets
// as counts, and no secret anywhere.
func TestPrometheusScrapes(t *testing.T) {
	runctest.Need(t)
	promBin := need(t, "prometheus")
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh for the host process")
	}
	const (
		envSecret = "glacier-amber-nightfall-42"
		argSecret = "copper-meadow-lantern-17"
	)

	podA, podB := runctest.NewPodUID(t), runctest.NewPodUID(t)
	idA, idB := runctest.RandHex(t, 64), runctest.RandHex(t, 64)
	a := runctest.Start(t, runctest.Config{CgroupsPath: "/kubepods/besteffort/pod" + podA + "/" + idA})
	runctest.Start(t, runctest.Config{
		CgroupsPath: "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + strings.ReplaceAll(podB, "-", "_") + ".slice/cri-containerd-" + idB + ".scope",
		UID:         1000,
		Caps:        []string{},
		Seccomp:     runctest.BlockSeccomp(),
		NoNewPrivs:  true,
		Env:         []string{"DB_PASSWORD=" + envSecret},
	})
	host := exec.Command(sh, "-c", "sleep 600; :", "sh", "postgres://admin:"+argSecret+"@db.internal/app")
	host.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := host.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-host.Process.Pid, syscall.SIGKILL)
		host.Wait()
	})

	// Its series is that of its group: "host" on a plain machine, the
	// runtime of whatever container this test runs in otherwise.
	hid, err := container.Read(proc.Default().Process(host.Process.Pid), nil)
	if err != nil {
		t.Fatal(err)
	}
	hostSel := `runtime="` + string(hid.Runtime) + `", container_id="` + hid.ContainerID + `", pod_uid="` + hid.PodUID + `", qos="` + string(hid.QoS) + `"`

	exporter := startExporter(t, "-listen", "127.0.0.1:0")
	promAddr := freeLoopback(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`global:
  scrape_interval: 2s
  scrape_timeout: 2s
scrape_configs:
  - job_name: procscope
    static_configs:
      - targets: [%q]
`, exporter)), 0o600); err != nil {
		t.Fatal(err)
	}
	var promOut bytes.Buffer
	prom := exec.Command(promBin, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+promAddr, "--log.level=warn")
	prom.Stdout, prom.Stderr = &promOut, &promOut
	prom.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := prom.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		prom.Process.Kill()
		prom.Wait()
		if t.Failed() {
			t.Logf("prometheus said:\n%s", promOut.String())
		}
	})

	query := func(q string) []promSample {
		t.Helper()
		resp, err := http.Get("http://" + promAddr + "/api/v1/query?query=" + url.QueryEscape(q))
		if err != nil {
			return nil // not up yet
		}
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable {
			return nil // starting
		}
		var r struct {
			Status string `json:"status"`
			Data   struct {
				Result []promSample `json:"result"`
			} `json:"data"`
			Error string `json:"error"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || r.Status != "success" {
			t.Fatalf("query %s: %v %s %s", q, err, r.Status, r.Error)
		}
		return r.Data.Result
	}
	// Wait for a scrape that saw both containers.
	runctest.WaitFor(t, "Prometheus to store the containers' series", func() bool {
		return len(query(`procscope_container_processes{container_id="`+idA+`"}`)) == 1 &&
			len(query(`procscope_container_processes{container_id="`+idB+`"}`)) == 1
	})

	for _, tt := range []struct {
		q    string
		want float64
	}{
		{`up{job="procscope"}`, 1},
		{`procscope_scrape_cut`, 0},
		{`procscope_container_processes{runtime="cri", container_id="` + idA + `", pod_uid="` + podA + `", qos="BestEffort"}`, 1},
		{`procscope_container_processes{runtime="containerd", container_id="` + idB + `", pod_uid="` + podB + `", qos="Burstable"}`, 1},
		{`procscope_container_threads{container_id="` + idA + `"}`, 1},
		{`procscope_container_open_fds{container_id="` + idA + `"} >= 0`, -1},
		{`procscope_container_findings{container_id="` + idA + `", control="seccomp", level="restricted"}`, 1},
		{`procscope_container_findings{container_id="` + idA + `", control="running-as-non-root", level="restricted"}`, 1},
		{`procscope_container_findings{container_id="` + idA + `", control="capabilities", level="restricted"}`, 1},
		{`procscope_container_findings{container_id="` + idB + `", control="privilege-escalation"}`, 0},
		{`procscope_container_findings{container_id="` + idB + `", control="seccomp"}`, 0},
		{`procscope_container_findings{container_id="` + idB + `", control="capabilities"}`, 0},
		{`procscope_container_findings{container_id="` + idB + `", control="secrets", level="baseline"}`, 1},
		{`procscope_container_secret_processes{container_id="` + idB + `", source="environ"}`, 1},
		{`procscope_container_secret_processes{container_id="` + idB + `", source="cmdline"}`, 0},
		{`procscope_container_secret_processes{container_id="` + idA + `", source="environ"}`, 0},
		{`procscope_container_secret_processes{` + hostSel + `, source="cmdline"} >= 1`, -1},
	} {
		got := query(tt.q)
		switch {
		case tt.want == 0 && strings.Contains(tt.q, "findings"):
			if len(got) != 0 {
				t.Errorf("%s: %v, want no series", tt.q, got)
			}
		case tt.want == -1:
			if len(got) != 1 {
				t.Errorf("%s: %v, want one series", tt.q, got)
			}
		default:
			if len(got) != 1 || got[0].value() != tt.want {
				t.Errorf("%s = %v, want %v", tt.q, got, tt.want)
			}
		}
	}
	// No secret, and no variable name, in any series Prometheus stored.
	all := query(`{__name__=~"procscope_.+"}`)
	if len(all) < 10 {
		t.Fatalf("only %d procscope series stored", len(all))
	}
	for _, s := range all {
		for k, v := range s.Metric {
			for _, bad := range []string{envSecret, argSecret, "DB_PASSWORD", "postgres://", strconv.Itoa(a.PID)} {
				if strings.Contains(v, bad) {
					t.Errorf("series %v: label %s holds %q", s.Metric, k, bad)
				}
			}
		}
	}
}

type promSample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

func (s promSample) value() float64 {
	str, _ := s.Value[1].(string)
	v, _ := strconv.ParseFloat(str, 64)
	return v
}

// freeLoopback returns a loopback address no one listens on (for a server
// that takes its address as a flag).
func freeLoopback(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
