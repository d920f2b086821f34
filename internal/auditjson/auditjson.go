// Package auditjson is the JSON document of examples/audit's -json output
// and of cmd/procscope-exporter's /audit endpoint, which serve it key for
// key (a public interface: add keys, never rename them): one type, so the
// two cannot drift apart.
package auditjson

import "github.com/procscope/procscope/container"

// Row is one container (or one process).
type Row struct {
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
	Unobserved    []Unobserved        `json:"unobserved"`
	ReferenceNote string              `json:"reference_note,omitempty"`
}

// Unobserved is a control that could not be checked for one process.
type Unobserved struct {
	Control container.Control `json:"control"`
	Reason  string            `json:"reason"`
	PID     int               `json:"pid"`
}

// NewRow returns the row of id, with no process yet (empty lists, not
// null, in JSON).
func NewRow(id container.Identity) Row {
	return Row{Runtime: id.Runtime, ContainerID: id.ContainerID, PodUID: id.PodUID, QoS: id.QoS,
		Driver: id.Driver, Version: id.Version, Path: id.Path, MonitorOf: id.MonitorOf, Reason: id.Reason,
		PIDs: []int{}, Findings: []container.Finding{}, Unobserved: []Unobserved{}}
}

// Add adds p to the row: its pid, its findings that level includes, and
// its unobserved controls.
func (r *Row) Add(p container.Posture, level container.Level) {
	r.PIDs = append(r.PIDs, p.PID)
	for _, f := range p.Findings {
		if level.Includes(f.Level) {
			r.Findings = append(r.Findings, f)
		}
	}
	for _, u := range p.Unobserved {
		r.Unobserved = append(r.Unobserved, Unobserved{Control: u.Control, Reason: u.Reason, PID: p.PID})
	}
}

// Rows returns one row per group of snap, the processes outside any
// container only when host is set (a runtime's monitor, such as conmon,
// runs on the host, outside the container it watches: it counts as the
// host); hostPIDs counts the processes left out.
func Rows(snap *container.Snapshot, level container.Level, host bool) (rows []Row, hostPIDs int) {
	byPID := map[int]container.Posture{}
	for _, p := range snap.Processes {
		byPID[p.PID] = p
	}
	rows = []Row{}
	for _, g := range snap.Groups {
		if (g.Identity.Runtime == container.Host || g.Identity.MonitorOf != "") && !host {
			hostPIDs += len(g.PIDs)
			continue
		}
		r := NewRow(g.Identity)
		for _, pid := range g.PIDs {
			r.Add(byPID[pid], level)
		}
		rows = append(rows, r)
	}
	return rows, hostPIDs
}
