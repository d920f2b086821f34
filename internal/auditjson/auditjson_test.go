package auditjson

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/procscope/procscope/container"
)

func TestRows(t *testing.T) {
	snap := &container.Snapshot{
		Processes: []container.Posture{
			{PID: 1, Identity: container.Identity{Runtime: container.Host}},
			{PID: 7, Identity: container.Identity{Runtime: container.Docker, ContainerID: "abc"},
				Findings:   []container.Finding{{Control: "seccomp", Level: container.Restricted, PID: 7}},
				Unobserved: []container.Unobserved{{Control: "apparmor", Reason: "no LSM"}}},
		},
		Groups: []container.Group{
			{Identity: container.Identity{Runtime: container.Docker, ContainerID: "abc"}, PIDs: []int{7}},
			{Identity: container.Identity{Runtime: container.Host}, PIDs: []int{1}},
		},
	}
	rows, hostPIDs := Rows(snap, container.Restricted, false)
	if len(rows) != 1 || hostPIDs != 1 || rows[0].ContainerID != "abc" || len(rows[0].Findings) != 1 ||
		len(rows[0].Unobserved) != 1 || rows[0].Unobserved[0].PID != 7 {
		t.Errorf("Rows = %+v, %d host pids; want the container's row with its finding and unobserved control, 1 host pid", rows, hostPIDs)
	}
	if rows, _ := Rows(snap, container.Baseline, true); len(rows) != 2 || len(rows[0].Findings) != 0 {
		t.Errorf("Rows(baseline, host) = %+v; want 2 rows, the restricted finding left out", rows)
	}
	b, err := json.Marshal(NewRow(container.Identity{Runtime: container.Host}))
	if err != nil || !strings.Contains(string(b), `"pids":[],"findings":[]`) || !strings.Contains(string(b), `"unobserved":[]`) {
		t.Errorf("NewRow JSON = %s, %v; want empty lists, not null", b, err)
	}
}
