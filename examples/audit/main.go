//go:build linux

// Audit tells which container and pod each process belongs to, and which
// controls of the Kubernetes Pod Security Standards the kernel does not
// enforce on it, read from /proc alone.
//
//	audit [-root DIR] [-json] [-level baseline|restricted] [-ref PID] [-host]   one row per container
//	audit [-root DIR] [-json] [-level baseline|restricted] [-ref PID] PID       one process explained
//
// The table has the columns RUNTIME, CONTAINER (the id's first 12
// characters), POD (the pod UID), QOS, PIDS (the process ids), BASELINE and
// RESTRICTED (the controls broken at each level, "-" for none) and CGROUP
// (the raw cgroup path of a process no runtime layout explains). Processes
// outside any container (runtime "host") are not audited unless -host is
// given (nor are a runtime's monitors, CRI-O's and podman's conmon, which
// run on the host beside the container they watch); processes of an
// unknown layout are, as they may be containers.
//
// With -json, the whole machine is a JSON array of rows and one process a
// single row. The keys of a row are runtime, container_id, pod_uid, qos,
// pids and findings (each with control, level, evidence and pid), plus
// cgroup_driver, cgroup_version, cgroup_path, monitor_of and reason from
// the identity, and unobserved (control, reason, pid) for the controls that
// could not be checked. Evidence names the /proc file and the value read;
// a secret's value is never printed, only its name and the kind of secret.
//
// -level sets which findings count: restricted (the default) counts every
// finding, baseline only baseline ones. The exit status is 0 when no
// finding counts, 2 when one does, and 1 on an error, as linters do.
//
// Run as an unprivileged user, audit reports what it can read and says on
// standard error how many processes it could not read in full. With -root
// it reads a capture made by examples/capture. Processes are compared with
// pid 1 (the host), or with -ref PID; where the reference cannot be read,
// the namespace controls are reported as unobserved.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/procscope/procscope/container"
	"github.com/procscope/procscope/internal/auditjson"
	"github.com/procscope/procscope/internal/cli"
	"github.com/procscope/procscope/internal/oneline"
	"github.com/procscope/procscope/proc"
)

func main() {
	code, err := run(os.Args[1:], os.Stdout, os.Stderr)
	if err != nil {
		cli.Exit("audit", err)
	}
	os.Exit(code)
}

func run(args []string, stdout, stderr io.Writer) (int, error) {
	fl := cli.NewFlagSet("audit", stderr,
		"audit [-root DIR] [-json] [-level baseline|restricted] [-host] [-ref PID]",
		"audit [-root DIR] [-json] [-level baseline|restricted] [-ref PID] PID")
	root := fl.String("root", "/proc", "proc tree to read: the live /proc or a capture")
	asJSON := fl.Bool("json", false, "print JSON")
	levelFlag := fl.String("level", "restricted", "what counts: baseline or restricted (every finding)")
	host := fl.Bool("host", false, "audit the processes outside any container too")
	refPID := fl.Int("ref", 0, "compare with this process's namespaces and mounts (default: pid 1, or audit's own where pid 1 is unreadable)")
	if err := cli.Parse(fl, args, stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, nil // the usage is printed
		}
		return 1, err
	}
	level := container.Level(*levelFlag)
	if level != container.Baseline && level != container.Restricted {
		return 1, fmt.Errorf("-level %q: want baseline or restricted", *levelFlag)
	}
	fsys, err := cli.OpenRoot(*root)
	if err != nil {
		return 1, err
	}
	var ref *container.Reference
	if *refPID > 0 {
		ref, err = container.ReferenceOf(fsys.Process(*refPID))
	} else {
		ref, err = container.HostReference(fsys)
	}
	if err != nil {
		fmt.Fprintf(stderr, "audit: no host reference, the namespace controls go unobserved: %s\n", oneline.String(err))
		ref = &container.Reference{Note: oneline.String(err)}
	} else if ref.Note != "" {
		fmt.Fprintf(stderr, "audit: %s\n", oneline.String(errors.New(ref.Note)))
	}
	switch fl.NArg() {
	case 0:
		return machine(fsys, ref, level, *host, *asJSON, stdout, stderr)
	case 1:
		pid, err := strconv.Atoi(fl.Arg(0))
		if err != nil || pid <= 0 {
			return 1, fmt.Errorf("bad pid %q", fl.Arg(0))
		}
		return one(fsys, ref, pid, level, *asJSON, stdout, stderr)
	}
	return 1, errors.New("usage: audit [-root DIR] [-json] [-level baseline|restricted] [-ref PID] [-host] [PID]")
}

func one(fsys *proc.FS, ref *container.Reference, pid int, level container.Level, asJSON bool, stdout, stderr io.Writer) (int, error) {
	p, err := container.Check(fsys.Process(pid), ref, nil)
	if err != nil && p.Identity.Path == "" {
		return 1, err
	}
	if err != nil {
		fmt.Fprintf(stderr, "audit: pid %d read in part: %s\n", pid, oneline.String(err))
	}
	r := auditjson.NewRow(p.Identity)
	r.ReferenceNote = ref.Note
	r.Add(p, level)
	if asJSON {
		if err := writeJSON(stdout, r); err != nil {
			return 1, err
		}
	} else if err := explain(stdout, r, ref); err != nil {
		return 1, err
	}
	return exitCode(len(r.Findings)), nil
}

func exitCode(findings int) int {
	if findings > 0 {
		return 2
	}
	return 0
}

func machine(fsys *proc.FS, ref *container.Reference, level container.Level, host, asJSON bool, stdout, stderr io.Writer) (int, error) {
	snap, err := container.Scan(context.Background(), fsys, ref, nil)
	if err != nil {
		return 1, err
	}
	rows, hostPIDs := auditjson.Rows(snap, level, host)
	findings := 0
	for _, r := range rows {
		findings += len(r.Findings)
	}
	if asJSON {
		if err := writeJSON(stdout, rows); err != nil {
			return 1, err
		}
	} else if err := table(stdout, rows); err != nil {
		return 1, err
	}
	if hostPIDs > 0 {
		fmt.Fprintf(stderr, "audit: %d processes outside any container not audited (-host to include them)\n", hostPIDs)
	}
	reportErrors(stderr, snap.Failures)
	return exitCode(findings), nil
}

// reportErrors says, in one line per kind, which processes could not be
// read in full.
func reportErrors(w io.Writer, errs []proc.Failure) {
	var perm, other []string
	for _, e := range errs {
		if errors.Is(e.Err, fs.ErrPermission) {
			perm = append(perm, strconv.Itoa(e.PID))
		} else {
			other = append(other, e.Error())
		}
	}
	if len(perm) > 0 {
		fmt.Fprintf(w, "audit: %d processes could not be read in full (permission denied; their unread controls are listed as unobserved): pids %s\n", len(perm), short(perm, 20))
	}
	for _, e := range other {
		fmt.Fprintf(w, "audit: %s\n", oneline.String(errors.New(e)))
	}
}

func short(s []string, n int) string {
	if len(s) <= n {
		return strings.Join(s, ",")
	}
	return strings.Join(s[:n], ",") + ",..."
}

func writeJSON(w io.Writer, v any) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return bw.Flush()
}

// controlsAt returns the distinct controls of the findings at level l.
func controlsAt(fs []container.Finding, l container.Level) string {
	var out []string
	for _, f := range fs {
		if f.Level == l && !slices.Contains(out, string(f.Control)) {
			out = append(out, string(f.Control))
		}
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ",")
}

func table(w io.Writer, rows []auditjson.Row) error {
	bw := bufio.NewWriter(w)
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUNTIME\tCONTAINER\tPOD\tQOS\tPIDS\tBASELINE\tRESTRICTED\tCGROUP")
	for _, r := range rows {
		id := r.ContainerID
		if id == "" && r.MonitorOf != "" {
			id = "monitor:" + r.MonitorOf
		}
		if len(id) > 12 {
			id = id[:12]
		}
		cg := "-"
		if r.ContainerID == "" {
			cg = cli.Escape(r.Path)
		}
		pids := make([]string, len(r.PIDs))
		for i, p := range r.PIDs {
			pids[i] = strconv.Itoa(p)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Runtime, dash(cli.Escape(id)), dash(r.PodUID), dash(string(r.QoS)),
			short(pids, 8), controlsAt(r.Findings, container.Baseline), controlsAt(r.Findings, container.Restricted), cg)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func explain(w io.Writer, r auditjson.Row, ref *container.Reference) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "pid %d\n", r.PIDs[0])
	fmt.Fprintf(b, "  runtime:        %s\n", r.Runtime)
	for _, kv := range [][2]string{{"container id", r.ContainerID}, {"monitor of", r.MonitorOf}, {"pod uid", r.PodUID},
		{"qos", string(r.QoS)}, {"cgroup driver", string(r.Driver)}, {"cgroup version", string(r.Version)},
		{"cgroup path", r.Path}, {"reason", r.Reason}} {
		if kv[1] != "" {
			fmt.Fprintf(b, "  %-15s %s\n", kv[0]+":", cli.Escape(kv[1]))
		}
	}
	fmt.Fprintf(b, "  compared with:  pid %d\n", ref.PID)
	if len(r.Findings) == 0 {
		b.WriteString("findings: none\n")
	} else {
		b.WriteString("findings:\n")
	}
	for _, f := range r.Findings {
		fmt.Fprintf(b, "  %-10s %-26s %s\n", f.Level, f.Control, cli.Escape(f.Evidence))
	}
	if len(r.Unobserved) > 0 {
		b.WriteString("not observed:\n")
	}
	for _, u := range r.Unobserved {
		fmt.Fprintf(b, "  %-26s %s\n", u.Control, cli.Escape(u.Reason))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
