package container

import (
	"strings"
	"testing"

	"github.com/procscope/procscope/proc"
)

func addPathSeeds(f *testing.F) {
	for _, s := range []string{
		"/", "/kubepods/besteffort/podac04f3f2-1f2c-11e9-b015-1ebee232acfa/" + falcoContainerd,
		"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod63b3ebfc_2890_11e9_8154_16bf8ef8d9dc.slice/crio-" + falcoCRIOSysd + ".scope",
		"/kubepods-burstable-podbd12dd3393227d950605a2444b13c27a.slice:cri-containerd:" + falcoUnknown,
		"/docker/" + ddDocker, "/ecs/x/5a0d5ceddf6c44c1928d367a815d890f/" + ddECS, "/lxc.payload.web", "/lxc.monitor/x",
		"/machine.slice/libpod-conmon-" + anyID + ".scope", "/kubepods/pod/", "/kubepods.slice/kubepods-pod.slice", "/../..",
	} {
		f.Add(s)
	}
}

// FuzzIdentifyPath: no panic; the raw path is kept; an Unknown identity
// says why; a container id is a part of the path, never invented.
func FuzzIdentifyPath(f *testing.F) {
	addPathSeeds(f)
	f.Fuzz(func(t *testing.T, path string) {
		id := IdentifyPath(path)
		if id.Path != path {
			t.Fatalf("path %q became %q", path, id.Path)
		}
		if id.Runtime == "" {
			t.Fatalf("%q: no runtime", path)
		}
		if id.Runtime == Unknown && id.Reason == "" {
			t.Fatalf("%q: unknown without a reason", path)
		}
		if id.ContainerID != "" && !strings.Contains(path, id.ContainerID) {
			t.Fatalf("%q: container id %q is not in the path", path, id.ContainerID)
		}
		if id.ContainerID != "" && id.MonitorOf != "" {
			t.Fatalf("%q: both a container and a monitor", path)
		}
		if id.PodUID != "" && !podUID(id.PodUID) {
			t.Fatalf("%q: bad pod UID %q", path, id.PodUID)
		}
	})
}

// FuzzIdentifyCgroup runs the whole cgroup file through proc.ParseCgroup
// and Identify: an error gives no lines, and lines always give an identity
// whose path is one of theirs.
func FuzzIdentifyCgroup(f *testing.F) {
	f.Add([]byte("9:name=systemd:/\n4:memory:/process_api/5a08ae0ab0b4474bf864b69c0b2b4c86\n0::/\n"))
	f.Add([]byte("0::/system.slice/docker-" + ddRefImpl + ".scope\n"))
	f.Add([]byte("1:name=systemd:/docker/" + ddDocker + "\n2:cpu,cpuacct:/docker/" + ddRefImpl + "\n0::/\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		lines, err := proc.ParseCgroup(b)
		if err != nil {
			return
		}
		id := Identify(lines)
		if id.Runtime == "" || (id.Runtime == Unknown && id.Reason == "") {
			t.Fatalf("%q: identity %+v", b, id)
		}
		if len(lines) == 0 {
			return
		}
		found := false
		for _, l := range lines {
			found = found || l.Path == id.Path
		}
		if !found {
			t.Fatalf("%q: path %q is none of the file's", b, id.Path)
		}
	})
}

// FuzzHostPath maps the mounts of one mountinfo onto another's: no panic,
// and a mapped path is absolute.
func FuzzHostPath(f *testing.F) {
	host := "22 27 0:21 / /proc rw,relatime - proc proc rw\n27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n30 27 254:0 /var/lib /var/lib rw - ext4 /dev/vda rw\n"
	f.Add([]byte(host), []byte("100 99 254:0 /var/lib/kubelet /k rw - ext4 /dev/vda rw\n101 100 0:21 / /hostproc ro - proc proc rw\n"))
	f.Add([]byte(host), []byte("1 1 254:0 /a\\040b /x\\134y rw - ext4 /dev/vda rw\n"))
	f.Fuzz(func(t *testing.T, hb, cb []byte) {
		hm, err := proc.ParseMountInfo(hb)
		if err != nil {
			return
		}
		cm, err := proc.ParseMountInfo(cb)
		if err != nil {
			return
		}
		for _, m := range cm {
			if p, ok := hostPath(m, hm); ok && !strings.HasPrefix(p, "/") && p != "" {
				// A host mount point is absolute; so is anything below it.
				for _, h := range hm {
					if strings.HasPrefix(h.MountPoint, "/") && strings.HasPrefix(p, h.MountPoint) {
						t.Fatalf("mapped %+v to relative %q", m, p)
					}
				}
			}
		}
	})
}
