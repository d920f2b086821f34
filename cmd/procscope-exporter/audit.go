//go:build linux

package main

import (
	"context"
	"errors"
	"io/fs"

	"github.com/procscope/procscope/container"
	"github.com/procscope/procscope/internal/oneline"
	"github.com/procscope/procscope/proc"
)

// The /audit document is examples/audit's -json output, key for key (a
// public interface: runtime, container_id, pod_uid, qos, pids, findings,
// each with control, level, evidence, pid). TestAuditMatchesAuditJSON
// holds the two together.

// row is one container (or one process).
type row struct {
	Runtime       container.Runtime   `json:"runtime"`
	ContainerID   string              `json:"container_id"`
	PodUID        string              `json:"pod_uid"`
	QoS           container.QoS       `json:"qos"`
	PIDs          []int               `json:"pids"`
	Findings      []container.Finding `json:"findings"`
	Driver        container.Driver    `json:"cgroup_driver"`
	Version       container.Version   `json:"cgroup_version"`
	Path          string              `json:"cgroup_path"`
	MonitorOf     string              `json:"monitor_of,omitempty"`
	Reason        string              `json:"reason,omitempty"`
	Unobserved    []unobserved        `json:"unobserved"`
	ReferenceNote string              `json:"reference_note,omitempty"`
}

type unobserved struct {
	Control container.Control `json:"control"`
	Reason  string            `json:"reason"`
	PID     int               `json:"pid"`
}

func newRow(id container.Identity) row {
	return row{Runtime: id.Runtime, ContainerID: id.ContainerID, PodUID: id.PodUID, QoS: id.QoS,
		Driver: id.Driver, Version: id.Version, Path: id.Path, MonitorOf: id.MonitorOf, Reason: id.Reason,
		PIDs: []int{}, Findings: []container.Finding{}, Unobserved: []unobserved{}}
}

func (r *row) add(p container.Posture, level container.Level) {
	r.PIDs = append(r.PIDs, p.PID)
	for _, f := range p.Findings {
		if level.Includes(f.Level) {
			r.Findings = append(r.Findings, f)
		}
	}
	for _, u := range p.Unobserved {
		r.Unobserved = append(r.Unobserved, unobserved{Control: u.Control, Reason: u.Reason, PID: p.PID})
	}
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
func auditMachine(ctx context.Context, fsys *proc.FS, level container.Level, host bool) ([]row, error) {
	snap, err := container.Scan(ctx, fsys, reference(fsys), nil)
	if err != nil {
		return nil, err
	}
	byPID := map[int]container.Posture{}
	for _, p := range snap.Processes {
		byPID[p.PID] = p
	}
	rows := []row{}
	for _, g := range snap.Groups {
		if g.Identity.Runtime == container.Host && !host {
			continue
		}
		r := newRow(g.Identity)
		for _, pid := range g.PIDs {
			r.add(byPID[pid], level)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// auditOne is `audit -json PID`.
func auditOne(fsys *proc.FS, pid int, level container.Level) (row, error) {
	ref := reference(fsys)
	p, err := container.Check(fsys.Process(pid), ref, nil)
	if err != nil && p.Identity.Path == "" {
		return row{}, err
	}
	r := newRow(p.Identity)
	r.ReferenceNote = ref.Note
	r.add(p, level)
	return r, nil
}

// errNotFound tells a missing process from a failure.
func isNotFound(err error) bool { return errors.Is(err, fs.ErrNotExist) }
