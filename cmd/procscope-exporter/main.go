//go:build linux

// Procscope-exporter serves what procscope reads from /proc to Prometheus:
// per container, the processes, threads and open fds, the Pod Security
// Standards controls the kernel does not enforce (as examples/audit finds
// them), processes with secrets in their environment or command line, and
// deleted executables. It reads /proc when scraped, never in between.
//
//	procscope-exporter [-listen 127.0.0.1:9755] [-root DIR] [-host] [-secret-names A,B] [-timeout-offset 0.5s] [-scrape-timeout 10s]
//
// Endpoints:
//
//	/metrics  the Prometheus exposition (see the metric list below)
//	/audit    the findings as `audit -json` prints them; ?level=baseline|restricted
//	          (default restricted), ?host=1 (processes outside any container too),
//	          ?pid=N (one process, as `audit -json N`); the evidence of a
//	          secrets finding names the variable or flag only when
//	          -secret-names lists it ("/proc/42/environ: <redacted:password>")
//
// Metrics, each per container with the labels runtime, container_id, pod_uid
// and qos (processes outside any container are summed per runtime with an
// empty container_id: runtime "host", a runtime's monitors, "unknown"):
//
//	procscope_container_processes
//	procscope_container_threads
//	procscope_container_open_fds
//	procscope_container_findings{control, level}      processes breaking the control
//	procscope_container_secret_processes{source}      source: environ, cmdline
//	procscope_container_secret_variable_processes{name}  only names given to -secret-names
//	procscope_container_deleted_executable_processes
//
// and about the exporter: procscope_unobserved_processes{control},
// procscope_scrape_duration_seconds, procscope_scrape_processes,
// procscope_scrape_errors{kind} and procscope_scrape_errors_total{kind}
// (kind is one of a fixed set: permission, gone, malformed, damaged,
// reference, other), procscope_scrape_cut and procscope_scrape_cuts_total,
// procscope_scrapes_total, and the Go and process collectors' own metrics.
//
// Label cardinality is bounded: no label holds a pid, a cgroup path, a
// command or an evidence string, so the series follow the containers (about
// 5 + the findings' controls and levels + 2 per container), not the processes.
// Findings of processes outside any container (runtime "host", and a
// runtime's monitors such as conmon) are exported with -host only, as audit
// reports them. A secret is never exported: only a count, and a variable's
// name only when -secret-names lists it, in /metrics and /audit alike.
//
// A scrape is cut at its deadline: Prometheus sends its scrape timeout in
// the X-Prometheus-Scrape-Timeout-Seconds header, and the exporter stops
// reading /proc -timeout-offset before it (or after -scrape-timeout when
// the header is absent), serves what it read and sets procscope_scrape_cut.
//
// It listens on the loopback address unless -listen says otherwise (in a
// Kubernetes pod, -listen :9755 serves the pod's address). With -root it
// reads a capture made by examples/capture, or another mounted proc file
// system (in deploy/, the host's /proc mounted read-only at /host/proc).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/procscope/procscope/container"
	"github.com/procscope/procscope/internal/cli"
	"github.com/procscope/procscope/internal/oneline"
	"github.com/procscope/procscope/proc"
)

// defaultListen is loopback: the exporter serves who runs what with which
// privileges, which is for the node's operators only.
const defaultListen = "127.0.0.1:9755"

// softMemoryLimit keeps the heap of a scrape of a few thousand processes
// (the postures of all of them are held until grouped) from doubling
// before the collector runs: RSS stays under 40 MiB (bench/exporter.sh).
// GOMEMLIMIT overrides it.
const softMemoryLimit = 24 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, nil); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "procscope-exporter:", oneline.String(err))
		os.Exit(1)
	}
}

type config struct {
	listen        string
	root          string
	host          bool
	secretNames   []string
	timeoutOffset time.Duration
	scrapeTimeout time.Duration
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fl := flag.NewFlagSet("procscope-exporter", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.StringVar(&c.listen, "listen", defaultListen, "address to serve on (the default is loopback only; :9755 serves every address)")
	fl.StringVar(&c.root, "root", "", "proc tree to read: a capture or a mounted proc file system (default: the live /proc)")
	fl.BoolVar(&c.host, "host", false, "export the findings of processes outside any container too")
	names := fl.String("secret-names", "", "comma-separated environment variable names that may appear as the name label of procscope_container_secret_variable_processes (none by default)")
	fl.DurationVar(&c.timeoutOffset, "timeout-offset", 500*time.Millisecond, "stop reading /proc this long before the scrape timeout Prometheus sends")
	fl.DurationVar(&c.scrapeTimeout, "scrape-timeout", 10*time.Second, "deadline of a scrape that sends no X-Prometheus-Scrape-Timeout-Seconds header (0: none)")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), "usage: procscope-exporter [-listen ADDR] [-root DIR] [-host] [-secret-names A,B] [-timeout-offset D] [-scrape-timeout D]")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return c, err
	}
	if fl.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fl.Arg(0))
	}
	for _, n := range strings.Split(*names, ",") {
		if n = strings.TrimSpace(n); n != "" {
			c.secretNames = append(c.secretNames, n)
		}
	}
	return c, nil
}

// run serves until ctx is cancelled. ready, if not nil, is told the address
// once it listens.
func run(ctx context.Context, args []string, stderr io.Writer, ready func(net.Addr)) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	h, err := newHandler(c)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}

type server struct {
	c      config
	fsys   *proc.FS
	e      *exporter
	static prometheus.Gatherer
}

func newHandler(c config) (http.Handler, error) {
	fsys, err := cli.OpenRoot(c.root)
	if err != nil {
		return nil, err
	}
	s := &server{c: c, fsys: fsys, e: newExporter(fsys, c.host, c.secretNames)}
	reg := prometheus.NewRegistry()
	reg.MustRegister(s.e.collectors()...)
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.static = reg
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", s.metrics)
	mux.HandleFunc("GET /audit", s.audit)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "procscope-exporter\n\n/metrics  Prometheus metrics, read from /proc at each scrape\n/audit    the findings as audit -json prints them (?level=baseline|restricted, ?host=1, ?pid=N)\n")
	})
	return mux, nil
}

// deadline returns how long a scrape may read /proc: the timeout
// Prometheus sends, less the offset; -scrape-timeout without the header.
func (s *server) deadline(r *http.Request) (time.Duration, bool) {
	h := r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds")
	if h == "" {
		return s.c.scrapeTimeout, s.c.scrapeTimeout > 0
	}
	v, err := strconv.ParseFloat(h, 64)
	if err != nil || v <= 0 || v > 1e6 {
		return s.c.scrapeTimeout, s.c.scrapeTimeout > 0
	}
	d := time.Duration(v * float64(time.Second))
	if d > s.c.timeoutOffset {
		d -= s.c.timeoutOffset
	}
	return d, true
}

func (s *server) metrics(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if d, ok := s.deadline(r); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(scrape{e: s.e, ctx: ctx})
	// The scrape first, so that the totals count it.
	promhttp.HandlerFor(prometheus.Gatherers{reg, s.static}, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}).ServeHTTP(w, r)
}

func (s *server) audit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	level := container.Restricted
	if l := q.Get("level"); l != "" {
		level = container.Level(l)
		if level != container.Baseline && level != container.Restricted {
			http.Error(w, fmt.Sprintf("level %q: want baseline or restricted", l), http.StatusBadRequest)
			return
		}
	}
	host := false
	if h := q.Get("host"); h != "" {
		b, err := strconv.ParseBool(h)
		if err != nil {
			http.Error(w, fmt.Sprintf("host %q: want true or false", h), http.StatusBadRequest)
			return
		}
		host = b
	}
	var v any
	if p := q.Get("pid"); p != "" {
		pid, err := strconv.Atoi(p)
		if err != nil || pid <= 0 {
			http.Error(w, fmt.Sprintf("bad pid %q", p), http.StatusBadRequest)
			return
		}
		row, err := auditOne(s.fsys, pid, level, s.e.secretNames)
		if err != nil {
			code := http.StatusInternalServerError
			if isNotFound(err) {
				code = http.StatusNotFound
			}
			http.Error(w, oneline.String(err), code)
			return
		}
		v = row
	} else {
		// One scan of the node at a time, scrapes included: requests that
		// pile up wait, and one whose client is gone reads nothing.
		select {
		case s.e.sem <- struct{}{}:
		case <-r.Context().Done():
			http.Error(w, "another scan of /proc under way: "+r.Context().Err().Error(), http.StatusServiceUnavailable)
			return
		}
		rows, err := auditMachine(r.Context(), s.fsys, level, host, s.e.secretNames)
		<-s.e.sem
		if err != nil {
			http.Error(w, oneline.String(err), http.StatusInternalServerError)
			return
		}
		v = rows
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
