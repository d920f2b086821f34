//go:build linux

package main

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"strings"

	"github.com/procscope/procscope/container"
	"github.com/procscope/procscope/internal/auditjson"
	"github.com/procscope/procscope/internal/oneline"
	"github.com/procscope/procscope/proc"
)

// The /audit document is examples/audit's -json output, key for key (a
// public interface: runtime, container_id, pod_uid, qos, pids, findings,
// each with control, level, evidence, pid): both build it with
// internal/auditjson, and TestAuditMatchesAuditJSON holds the two together,
// but for one difference: the evidence of a secrets finding names the
// variable or flag only when -secret-names lists it
// ("/proc/42/environ: <redacted:password>"), as the metrics do. A
// variable's name can say whose credential a process holds and where it
// is used, and /audit is served over the network (TestAuditNoSecretNames).

// unnamedRows applies unnamed to every finding of rows.
func unnamedRows(rows []auditjson.Row, allowed map[string]bool) {
	for i := range rows {
		for j, f := range rows[i].Findings {
			rows[i].Findings[j] = unnamed(f, allowed)
		}
	}
}

// unnamed returns f with the name of a secret dropped from its evidence
// unless allowed lists it: container's evidence is
// "/proc/PID/environ: NAME=<redacted:R>" (the marker alone for an entry
// without '=') and "/proc/PID/cmdline: argument N (NAME) <redacted:R>".
// Evidence of any other shape is replaced by the file and the marker's
// place, so that a new form cannot carry a name through.
func unnamed(f container.Finding, allowed map[string]bool) container.Finding {
	if f.Control != container.Secrets {
		return f
	}
	file, rest, _ := strings.Cut(f.Evidence, ": ")
	marker := rest
	if i := strings.LastIndex(rest, "<redacted:"); i >= 0 && strings.HasSuffix(rest, ">") {
		marker = rest[i:]
	} else {
		marker = "<redacted>"
	}
	switch path.Base(file) {
	case "environ":
		if name, _, ok := strings.Cut(rest, "="); ok && allowed[name] {
			return f
		}
		f.Evidence = file + ": " + marker
	case "cmdline":
		if n, name, ok := strings.Cut(rest, " ("); ok {
			if name, _, ok := strings.Cut(name, ") "); ok && allowed[name] {
				return f
			}
			f.Evidence = file + ": " + n + " " + marker
			break
		}
		f.Evidence = file + ": " + marker
	default:
		f.Evidence = file + ": " + marker
	}
	return f
}

// reference reads the host reference as audit does: where it cannot be
// read, the namespace controls go unobserved.
func reference(fsys *proc.FS) *container.Reference {
	ref, err := container.HostReference(fsys)
	if err != nil {
		return &container.Reference{Note: oneline.String(err)}
	}
	return ref
}

// auditMachine is `audit -json [-host] [-level L]`: one row per container.
func auditMachine(ctx context.Context, fsys *proc.FS, level container.Level, host bool, allowed map[string]bool) ([]auditjson.Row, error) {
	snap, err := container.Scan(ctx, fsys, reference(fsys), nil)
	if err != nil {
		return nil, err
	}
	rows, _ := auditjson.Rows(snap, level, host)
	unnamedRows(rows, allowed)
	return rows, nil
}

// auditOne is `audit -json PID`.
func auditOne(fsys *proc.FS, pid int, level container.Level, allowed map[string]bool) (auditjson.Row, error) {
	ref := reference(fsys)
	p, err := container.Check(fsys.Process(pid), ref, nil)
	if err != nil && p.Identity.Path == "" {
		return auditjson.Row{}, err
	}
	r := auditjson.NewRow(p.Identity)
	r.ReferenceNote = ref.Note
	r.Add(p, level)
	unnamedRows([]auditjson.Row{r}, allowed)
	return r, nil
}

// errNotFound tells a missing process from a failure.
func isNotFound(err error) bool { return errors.Is(err, fs.ErrNotExist) }
