//go:build linux

package main

import (
	"context"
	"errors"
	"io/fs"

	"github.com/procscope/procscope/container"
	"github.com/procscope/procscope/internal/auditjson"
	"github.com/procscope/procscope/internal/oneline"
	"github.com/procscope/procscope/proc"
)

// The /audit document is examples/audit's -json output, key for key (a
// public interface: runtime, container_id, pod_uid, qos, pids, findings,
// each with control, level, evidence, pid): both build it with
// internal/auditjson, and TestAuditMatchesAuditJSON holds the two together.

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
func auditMachine(ctx context.Context, fsys *proc.FS, level container.Level, host bool) ([]auditjson.Row, error) {
	snap, err := container.Scan(ctx, fsys, reference(fsys), nil)
	if err != nil {
		return nil, err
	}
	rows, _ := auditjson.Rows(snap, level, host)
	return rows, nil
}

// auditOne is `audit -json PID`.
func auditOne(fsys *proc.FS, pid int, level container.Level) (auditjson.Row, error) {
	ref := reference(fsys)
	p, err := container.Check(fsys.Process(pid), ref, nil)
	if err != nil && p.Identity.Path == "" {
		return auditjson.Row{}, err
	}
	r := auditjson.NewRow(p.Identity)
	r.ReferenceNote = ref.Note
	r.Add(p, level)
	return r, nil
}

// errNotFound tells a missing process from a failure.
func isNotFound(err error) bool { return errors.Is(err, fs.ErrNotExist) }
