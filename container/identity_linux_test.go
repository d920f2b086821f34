//go:build linux

package container

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/internal/runctest"
	"github.com/procscope/procscope/proc"
)

// TestIdentityRunc starts real containers with the two kubelet layouts and
// reads their identity from /proc.
func TestIdentityRunc(t *testing.T) {
	runctest.Need(t)
	uid := runctest.NewPodUID(t)
	cid := runctest.RandHex(t, 64)
	sysUID := strings.ReplaceAll(uid, "-", "_")
	tests := []struct {
		name        string
		cgroupsPath string
		want        Identity
	}{
		{"kubelet cgroupfs driver, burstable",
			"/kubepods/burstable/pod" + uid + "/" + cid,
			Identity{Runtime: CRI, ContainerID: cid, PodUID: uid, QoS: Burstable, Driver: Cgroupfs}},
		{"kubelet cgroupfs driver, guaranteed",
			"/kubepods/pod" + uid + "/" + cid,
			Identity{Runtime: CRI, ContainerID: cid, PodUID: uid, QoS: Guaranteed, Driver: Cgroupfs}},
		// runc's systemd manager needs a running systemd, which this host does
		// not have; the path systemd would make is made with cgroupfs.
		{"kubelet systemd driver layout, besteffort",
			"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + sysUID + ".slice/cri-containerd-" + cid + ".scope",
			Identity{Runtime: Containerd, ContainerID: cid, PodUID: uid, QoS: BestEffort, Driver: Systemd}},
		// The systemd cgroupsPath itself, given to runc without systemd: runc's
		// cgroupfs manager makes a directory of that literal name, the layout
		// falcosecurity/libs calls "containerd_unknown".
		{"kubelet systemd cgroupsPath under runc's cgroupfs manager",
			"kubepods-burstable-pod" + sysUID + ".slice:cri-containerd:" + cid,
			Identity{Runtime: Containerd, ContainerID: cid, PodUID: uid, QoS: Burstable, Driver: Cgroupfs}},
	}
	fsys := proc.Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := runctest.Start(t, runctest.Config{CgroupsPath: tt.cgroupsPath})
			got, err := Read(fsys.Process(c.PID), nil)
			if err != nil {
				t.Fatal(err)
			}
			got.Path, got.Version = "", ""
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Read(%d) (-want +got):\n%s", c.PID, diff)
			}
		})
	}
}
