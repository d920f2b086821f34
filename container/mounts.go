package container

import (
	"strings"

	"github.com/procscope/procscope/proc"
)

// identityFromMounts finds what a process's bind mounts tell about its
// container when its cgroup path is hidden by a cgroup namespace: Docker
// bind-mounts /etc/hostname, /etc/hosts and /etc/resolv.conf from
// /var/lib/docker/containers/<id>/, containers/storage (CRI-O, podman)
// from .../overlay-containers/<id>/userdata/, and the kubelet /etc/hosts
// from /var/lib/kubelet/pods/<pod UID>/. Only mounts on those three files
// are read. It fills id and reports whether anything was found.
func identityFromMounts(id *Identity, mounts []proc.Mount) bool {
	found := false
	for _, m := range mounts {
		// Only the runtime's own binds tell: a volume may hold other
		// containers' and pods' directories (a node agent mounting
		// /var/lib/kubelet or /var/lib/docker/containers).
		switch m.MountPoint {
		case "/etc/hosts", "/etc/hostname", "/etc/resolv.conf":
		default:
			continue
		}
		segs := strings.Split(m.Root, "/")
		for i := 0; i+1 < len(segs); i++ {
			next := segs[i+1]
			switch {
			case segs[i] == "containers" && i > 0 && segs[i-1] == "docker" && containerID(next) && id.ContainerID == "":
				id.Runtime, id.ContainerID = Docker, next
				found = true
			case segs[i] == "overlay-containers" && containerID(next) && id.ContainerID == "":
				id.ContainerID = next
				found = true
			case segs[i] == "pods" && i > 0 && segs[i-1] == "kubelet" && podUID(next) && id.PodUID == "":
				id.PodUID = next
				found = true
			}
		}
	}
	if found && id.Runtime == Unknown {
		id.Reason += "; the container id and pod UID are from the bind mounts (CRI-O or podman: containers/storage does not tell which)"
		if id.ContainerID == "" {
			id.Reason = strings.Replace(id.Reason, "the container id and pod UID are", "the pod UID is", 1)
		}
	} else if found {
		id.Reason += "; the container id is from Docker's bind mounts"
	}
	return found
}
