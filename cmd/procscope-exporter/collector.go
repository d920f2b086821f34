//go:build linux

package main

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/procscope/procscope/container"
	"github.com/procscope/procscope/fd"
	"github.com/procscope/procscope/proc"
)

// containerLabels name a group of processes: one container, or for
// processes outside any container one series per runtime ("host", a
// runtime's monitors, "unknown" cgroup paths) with an empty container_id.
// No label holds a pid or a cgroup path: the number of series follows the
// number of containers, not of processes.
var containerLabels = []string{"runtime", "container_id", "pod_uid", "qos"}

// errorKinds are the values of the kind label of the error metrics: a fixed
// set, so that processes coming and going never add series.
var errorKinds = []string{"permission", "gone", "malformed", "damaged", "reference", "other"}

func with(labels ...string) []string {
	return append(append([]string(nil), containerLabels...), labels...)
}

var (
	descProcesses = prometheus.NewDesc("procscope_container_processes",
		"Processes of the container (or, with an empty container_id, outside any container, per runtime).", containerLabels, nil)
	descThreads = prometheus.NewDesc("procscope_container_threads",
		"Threads of the container's processes (num_threads of /proc/PID/stat).", containerLabels, nil)
	descFDs = prometheus.NewDesc("procscope_container_open_fds",
		"Open file descriptors of the container's processes (/proc/PID/fd).", containerLabels, nil)
	descFindings = prometheus.NewDesc("procscope_container_findings",
		"Processes of the container that break the control at the level (Pod Security Standards controls observed from /proc; see procscope's container package). A process counts once per control and level.",
		with("control", "level"), nil)
	descSecrets = prometheus.NewDesc("procscope_container_secret_processes",
		"Processes of the container with a secret in their environment or command line (source); never a value or a variable name.",
		with("source"), nil)
	descSecretNames = prometheus.NewDesc("procscope_container_secret_variable_processes",
		"Processes of the container whose environment holds a secret in the variable name, for the names allowed by -secret-names only.",
		with("name"), nil)
	descDeleted = prometheus.NewDesc("procscope_container_deleted_executable_processes",
		"Processes of the container whose executable was deleted or is a memfd.", containerLabels, nil)
	descUnobserved = prometheus.NewDesc("procscope_unobserved_processes",
		"Processes for which the control could not be observed (a file unreadable, a kernel without an LSM).", []string{"control"}, nil)
	descDuration = prometheus.NewDesc("procscope_scrape_duration_seconds",
		"How long reading /proc took in this scrape.", nil, nil)
	descScanned = prometheus.NewDesc("procscope_scrape_processes",
		"Processes read in this scrape.", nil, nil)
	descErrors = prometheus.NewDesc("procscope_scrape_errors",
		"Processes read only in part in this scrape, by kind of error (a fixed set: permission, gone, malformed, damaged, reference, other).",
		[]string{"kind"}, nil)
	descCut = prometheus.NewDesc("procscope_scrape_cut",
		"1 when this scrape was cut at the deadline the X-Prometheus-Scrape-Timeout-Seconds header (less -timeout-offset) set: the per-container values cover only what was read before it.",
		nil, nil)
)

// exporter reads /proc at scrape time; it keeps no state between scrapes
// but the cumulative counters.
type exporter struct {
	fsys        *proc.FS
	host        bool            // findings of processes outside any container too
	secretNames map[string]bool // environment variable names that may appear as a label
	sem         chan struct{}   // one scan at a time

	errorsTotal *prometheus.CounterVec
	cutsTotal   prometheus.Counter
	scrapes     prometheus.Counter
}

func newExporter(fsys *proc.FS, host bool, secretNames []string) *exporter {
	e := &exporter{fsys: fsys, host: host, secretNames: map[string]bool{}, sem: make(chan struct{}, 1),
		errorsTotal: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "procscope_scrape_errors_total",
			Help: "Processes read only in part, by kind of error, over all scrapes."}, []string{"kind"}),
		cutsTotal: prometheus.NewCounter(prometheus.CounterOpts{Name: "procscope_scrape_cuts_total",
			Help: "Scrapes cut at their deadline."}),
		scrapes: prometheus.NewCounter(prometheus.CounterOpts{Name: "procscope_scrapes_total",
			Help: "Scrapes served."}),
	}
	for _, k := range errorKinds {
		e.errorsTotal.WithLabelValues(k)
	}
	for _, n := range secretNames {
		if n != "" {
			e.secretNames[n] = true
		}
	}
	return e
}

// collectors are the exporter's cumulative metrics, registered once.
func (e *exporter) collectors() []prometheus.Collector {
	return []prometheus.Collector{e.errorsTotal, e.cutsTotal, e.scrapes}
}

// group is what one series set sums: a container, or the processes
// outside any container of one runtime.
type group struct {
	runtime, id, pod, qos string

	processes, threads, fds int
	findings                map[[2]string]int // control, level -> processes
	secrets                 map[string]int    // environ, cmdline -> processes
	secretNames             map[string]int    // allowed variable name -> processes
	deleted                 int
}

// result is one reading of /proc.
type result struct {
	groups     map[[4]string]*group
	unobserved map[string]int
	errors     map[string]int
	processes  int
	cut        bool
	duration   time.Duration
}

// read scans the tree once. It stops at ctx's deadline, keeping what it
// read (cut is then set).
func (e *exporter) read(ctx context.Context) *result {
	start := time.Now()
	res := &result{groups: map[[4]string]*group{}, unobserved: map[string]int{}, errors: map[string]int{}}
	defer func() { res.duration = time.Since(start) }()
	select {
	case e.sem <- struct{}{}:
		defer func() { <-e.sem }()
	case <-ctx.Done():
		res.cut = true
		return res
	}
	if ctx.Err() != nil {
		res.cut = true
		return res
	}
	ref, err := container.HostReference(e.fsys)
	if err != nil {
		// As audit does: the namespace controls go unobserved.
		res.errors["reference"]++
		ref = &container.Reference{Note: err.Error()}
	}
	snap, err := container.Scan(ctx, e.fsys, ref, nil)
	if err != nil {
		if ctx.Err() == nil || snap == nil {
			res.errors[errorKind(err)]++
			return res
		}
		res.cut = true
	}
	for _, pe := range snap.Failures {
		res.errors[errorKind(pe.Err)]++
	}
	for _, p := range snap.Processes {
		if !res.cut && ctx.Err() != nil {
			res.cut = true
		}
		res.add(e, p, res.cut)
	}
	return res
}

// add counts one process. Past the deadline only what Scan read is counted:
// its threads and fds are not read.
func (res *result) add(e *exporter, post container.Posture, cut bool) {
	id := post.Identity
	// A container id can be a name from a cgroup path (LXC), any bytes: a
	// label value that is not UTF-8 makes MustNewConstMetric panic, which
	// ends the whole scrape's collection.
	key := [4]string{string(id.Runtime), strings.ToValidUTF8(id.ContainerID, "\uFFFD"), id.PodUID, string(id.QoS)}
	g := res.groups[key]
	if g == nil {
		g = &group{runtime: key[0], id: key[1], pod: key[2], qos: key[3],
			findings: map[[2]string]int{}, secrets: map[string]int{}, secretNames: map[string]int{}}
		res.groups[key] = g
	}
	res.processes++
	g.processes++
	if !cut {
		p := e.fsys.Process(post.PID)
		if n, err := threads(e.fsys, p); err == nil {
			g.threads += n
		} else {
			res.errors[errorKind(err)]++
		}
		if n, err := fd.Count(p); err == nil {
			g.fds += n
		} else if !errors.Is(err, fs.ErrNotExist) || errors.Is(err, proc.ErrGone) || !isKernelThread(p) {
			res.errors[errorKind(err)]++
		}
	}
	seen := map[[2]string]bool{}
	sources := map[string]bool{}
	names := map[string]bool{}
	deleted := false
	for _, f := range post.Findings {
		k := [2]string{string(f.Control), string(f.Level)}
		// A runtime's monitor (conmon) runs on the host beside the
		// container: its findings are the host's, exported with -host only.
		if (id.Runtime != container.Host && id.MonitorOf == "" || e.host) && !seen[k] {
			seen[k] = true
			g.findings[k]++
		}
		switch f.Control {
		case container.Secrets:
			file, rest, _ := strings.Cut(f.Evidence, ": ")
			src := path.Base(file)
			if src != "environ" && src != "cmdline" {
				src = "other"
			}
			sources[src] = true
			if src == "environ" && len(e.secretNames) > 0 {
				if name, _, ok := strings.Cut(rest, "="); ok && e.secretNames[name] {
					names[name] = true
				}
			}
		case container.DeletedExecutable:
			deleted = true
		}
	}
	for s := range sources {
		g.secrets[s]++
	}
	for n := range names {
		g.secretNames[n]++
	}
	if deleted {
		g.deleted++
	}
	for _, u := range post.Unobserved {
		res.unobserved[string(u.Control)]++
	}
}

// threads returns p's number of threads: on the live /proc the link count
// of /proc/PID/task, which the kernel gives as 2 + the threads (one
// system call, where reading stat takes three and a parse); else, and for
// a process whose threads have all exited (a zombie), num_threads of stat.
func threads(fsys *proc.FS, p proc.Process) (int, error) {
	if fsys.Live() {
		if fi, err := fsys.Lstat(p.Path() + "/task"); err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink > 2 {
				return int(st.Nlink) - 2, nil
			}
		}
	}
	st, err := p.Stat()
	return st.NumThreads, err
}

// isKernelThread reports whether p is a kernel thread, which has no fd
// directory to count on some trees (a capture holds none).
func isKernelThread(p proc.Process) bool {
	st, err := p.Stat()
	return err == nil && st.IsKernelThread()
}

// errorKind sorts an error into one of errorKinds.
func errorKind(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "permission"
	case errors.Is(err, proc.ErrDamaged):
		return "damaged"
	case errors.Is(err, fs.ErrNotExist):
		return "gone"
	case errors.Is(err, proc.ErrParse):
		return "malformed"
	}
	return "other"
}

// scrape is the Collector of one request: it reads /proc when gathered,
// within the request's deadline.
type scrape struct {
	e   *exporter
	ctx context.Context
}

func (s scrape) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descProcesses, descThreads, descFDs, descFindings, descSecrets, descSecretNames,
		descDeleted, descUnobserved, descDuration, descScanned, descErrors, descCut} {
		ch <- d
	}
}

func (s scrape) Collect(ch chan<- prometheus.Metric) {
	res := s.e.read(s.ctx)
	s.e.scrapes.Inc()
	gauge := func(d *prometheus.Desc, v int, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, float64(v), labels...)
	}
	for _, g := range res.groups {
		l := []string{g.runtime, g.id, g.pod, g.qos}
		gauge(descProcesses, g.processes, l...)
		gauge(descThreads, g.threads, l...)
		gauge(descFDs, g.fds, l...)
		for k, n := range g.findings {
			gauge(descFindings, n, append(l, k[0], k[1])...)
		}
		for _, src := range []string{"environ", "cmdline"} {
			gauge(descSecrets, g.secrets[src], append(l, src)...)
		}
		if n := g.secrets["other"]; n > 0 {
			gauge(descSecrets, n, append(l, "other")...)
		}
		for name, n := range g.secretNames {
			gauge(descSecretNames, n, append(l, name)...)
		}
		gauge(descDeleted, g.deleted, l...)
	}
	for ctl, n := range res.unobserved {
		gauge(descUnobserved, n, ctl)
	}
	for _, k := range errorKinds {
		gauge(descErrors, res.errors[k], k)
		s.e.errorsTotal.WithLabelValues(k).Add(float64(res.errors[k]))
	}
	cut := 0
	if res.cut {
		cut = 1
		s.e.cutsTotal.Inc()
	}
	gauge(descCut, cut)
	gauge(descScanned, res.processes)
	ch <- prometheus.MustNewConstMetric(descDuration, prometheus.GaugeValue, res.duration.Seconds())
}
