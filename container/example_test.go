package container_test

import (
	"fmt"

	"github.com/procscope/procscope/container"
	"github.com/procscope/procscope/proc"
)

func ExampleIdentifyPath() {
	id := container.IdentifyPath("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod3d274242_8ee0_11e9_a8a6_1e68d864ef1a.slice/cri-containerd-3e74d3fd9db4c9dd921ae05c2502fb984d0cde1b36e581b13f79c639da4518a1.scope")
	fmt.Println(id.Runtime, id.ContainerID[:12], id.PodUID, id.QoS, id.Driver)
	fmt.Println(container.IdentifyPath("/mygroup/worker").Reason)
	// Output:
	// containerd 3e74d3fd9db4 3d274242-8ee0-11e9-a8a6-1e68d864ef1a Burstable systemd
	// no known container runtime layout
}

// ExampleCheck audits one process of the live system (compile only).
func ExampleCheck() {
	p, err := container.Check(proc.Default().Process(1234), nil, nil)
	if err != nil {
		fmt.Println("read in part:", err)
	}
	for _, f := range p.Findings {
		if container.Baseline.Includes(f.Level) {
			fmt.Println(f.Control, f.Evidence)
		}
	}
}
