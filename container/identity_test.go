package container

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/procscope/procscope/proc"
)

// The cases below are the formats documented by established projects; each
// names its source. Ids and UIDs are the ones those sources use.
const (
	// falcosecurity/libs test/libsinsp_e2e/container/container_cgroup.cpp
	falcoContainerd = "605439acbd4fb18c145069289094b17f17e0cfa938f78012d4960bc797305f22"
	falcoCRIO       = "73bfe475650de66df8e2affdc98d440dcbe84f8df83b6f75a68a82eb7026136a"
	falcoCRIOSysd   = "17d8c9eacc629f9945f304d89e9708c0c619649a484a215b240628319548a09f"
	falcoDocker     = "7951fb549ab99e0722a949b6c121634e1f3a36b5bacbe5392991e3b12251e6b8"
	falcoUnknown    = "d52db56a9c80d536a91354c0951c061187ca46249e64865a12703003d8f42366"
	// cadvisor container/crio/factory_test.go
	cadvisorCRIO = "81e5c2990803c383229c9680ce964738d5e566d97f5bd436ac34808d2ec75d5f"
	// Datadog's container tagging examples (dd-trace ContainerInfoTest)
	ddDocker  = "3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860"
	ddKube    = "3e74d3fd9db4c9dd921ae05c2502fb984d0cde1b36e581b13f79c639da4518a1"
	ddECS     = "38fac3e99302b3622be089dd41e7ccf38aff368a86cc339972075136ee2710ce"
	ddFargate = "432624d2150b349fe35ba397284dea788c2bf66b885d14dfc1569b01890ca7da"
	ddRefImpl = "cde7c2bab394630a42d73dc610b9c57415dced996106665d427f6d0566594411"
	ddCRIO    = "2227daf62df6694645fee5df53c1f91271546a9560e8600a525690ae252b7f63"
	// cilium/tetragon pkg/rthooks/args_test.go
	tetragonCtr  = "f52a212505a606972cf8614c3cb856539e71b77ecae33436c5ac442232fbacf8"
	tetragonCRIO = "a4d6b686848a610472a2eed3ae20d4d64b6b4819feb9fdfc7fd7854deaf59ef3"
	// the issue's own layouts, with a made-up id
	anyID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

func TestIdentifyPath(t *testing.T) {
	tests := []struct {
		source string
		path   string
		want   Identity
	}{
		{"falco containerd_cgroupfs",
			"/kubepods/besteffort/podac04f3f2-1f2c-11e9-b015-1ebee232acfa/" + falcoContainerd,
			Identity{Runtime: CRI, ContainerID: falcoContainerd, PodUID: "ac04f3f2-1f2c-11e9-b015-1ebee232acfa", QoS: BestEffort, Driver: Cgroupfs}},
		{"falco crio_cgroupfs",
			"/kubepods/besteffort/pod63b3ebfc-2890-11e9-8154-16bf8ef8d9dc/crio-" + falcoCRIO,
			Identity{Runtime: CRIO, ContainerID: falcoCRIO, PodUID: "63b3ebfc-2890-11e9-8154-16bf8ef8d9dc", QoS: BestEffort, Driver: Cgroupfs}},
		{"falco crio_systemd",
			"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod63b3ebfc_2890_11e9_8154_16bf8ef8d9dc.slice/crio-" + falcoCRIOSysd + ".scope",
			Identity{Runtime: CRIO, ContainerID: falcoCRIOSysd, PodUID: "63b3ebfc-2890-11e9-8154-16bf8ef8d9dc", QoS: BestEffort, Driver: Systemd}},
		{"falco docker_cgroupfs",
			"/docker/" + falcoDocker,
			Identity{Runtime: Docker, ContainerID: falcoDocker, Driver: Cgroupfs}},
		{"falco docker_systemd",
			"/docker.slice/docker-" + falcoDocker + ".scope",
			Identity{Runtime: Docker, ContainerID: falcoDocker, Driver: Systemd}},
		{"falco containerd_unknown (runc's cgroupfs manager given a systemd cgroupsPath)",
			"/kubepods-burstable-podbd12dd3393227d950605a2444b13c27a.slice:cri-containerd:" + falcoUnknown,
			Identity{Runtime: Containerd, ContainerID: falcoUnknown, PodUID: "bd12dd3393227d950605a2444b13c27a", QoS: Burstable, Driver: Cgroupfs}},
		{"falco container_engine/lxc.cpp /lxc/",
			"/lxc/web01",
			Identity{Runtime: LXC, ContainerID: "web01", Driver: Cgroupfs}},
		{"falco container_engine/lxc.cpp /lxc.payload/",
			"/lxc.payload/web01",
			Identity{Runtime: LXC, ContainerID: "web01", Driver: Cgroupfs}},
		{"falco lxc.cpp and lxc/lxc src/lxc/cgroups/cgroup.h: lxc.payload.<name> (LXC 4.0)",
			"/lxc.payload.web01",
			Identity{Runtime: LXC, ContainerID: "web01", Driver: Cgroupfs}},
		{"lxc/lxc src/lxc/cgroups/cgroup.h: lxc.monitor.<name> is the monitor, not the container",
			"/lxc.monitor.web01",
			Identity{Runtime: LXC, MonitorOf: "web01", Driver: Cgroupfs}},
		{"cadvisor crio factory_test: crio-<id>.scope",
			"/kubepods/pod068e8fa0-9213-11e7-a01f-507b9d4141fa/crio-" + cadvisorCRIO + ".scope",
			Identity{Runtime: CRIO, ContainerID: cadvisorCRIO, PodUID: "068e8fa0-9213-11e7-a01f-507b9d4141fa", QoS: Guaranteed, Driver: Cgroupfs}},
		{"cadvisor crio factory_test: crio-conmon-<id> is not a container",
			"/kubepods/pod068e8fa0-9213-11e7-a01f-507b9d4141fa/crio-conmon-" + cadvisorCRIO,
			Identity{Runtime: CRIO, MonitorOf: cadvisorCRIO, PodUID: "068e8fa0-9213-11e7-a01f-507b9d4141fa", QoS: Guaranteed, Driver: Cgroupfs}},
		{"cadvisor crio factory_test: crio-<id>.mount is not a container",
			"/kubepods/pod068e8fa0-9213-11e7-a01f-507b9d4141fa/crio-" + cadvisorCRIO + ".mount",
			Identity{Runtime: Unknown, PodUID: "068e8fa0-9213-11e7-a01f-507b9d4141fa", QoS: Guaranteed, Driver: Cgroupfs,
				Reason: `unknown container cgroup "crio-` + cadvisorCRIO + `.mount" in a pod`}},
		{"cadvisor crio factory_test: a short crio id is not a container",
			"/kubepods/pod068e8fa0-9213-11e7-a01f-507b9d4141fa/crio-990803c383229c9680ce964738d5e566d97f5bd436ac34808d2ec75",
			Identity{Runtime: Unknown, PodUID: "068e8fa0-9213-11e7-a01f-507b9d4141fa", QoS: Guaranteed, Driver: Cgroupfs,
				Reason: `unknown container cgroup "crio-990803c383229c9680ce964738d5e566d97f5bd436ac34808d2ec75" in a pod`}},
		{"cadvisor crio factory_test: systemd-coredump is a host unit",
			`/system.slice/system-systemd\x2dcoredump.slice`,
			Identity{Runtime: Host, Driver: Systemd}},
		{"Datadog tagging examples: docker cgroupfs",
			"/docker/" + ddDocker,
			Identity{Runtime: Docker, ContainerID: ddDocker, Driver: Cgroupfs}},
		{"Datadog tagging examples: kubernetes",
			"/kubepods/besteffort/pod3d274242-8ee0-11e9-a8a6-1e68d864ef1a/" + ddKube,
			Identity{Runtime: CRI, ContainerID: ddKube, PodUID: "3d274242-8ee0-11e9-a8a6-1e68d864ef1a", QoS: BestEffort, Driver: Cgroupfs}},
		{"Datadog tagging examples: ECS",
			"/ecs/haissam-ecs-classic/5a0d5ceddf6c44c1928d367a815d890f/" + ddECS,
			Identity{Runtime: ECS, ContainerID: ddECS, Driver: Cgroupfs}},
		{"Datadog tagging examples: Fargate",
			"/ecs/55091c13-b8cf-4801-b527-f4601742204d/" + ddFargate,
			Identity{Runtime: ECS, ContainerID: ddFargate, Driver: Cgroupfs}},
		{"Datadog agent ContainerRegexpStr: the ECS Fargate task container id [0-9a-f]{32}-\\d+",
			"/ecs/5a0d5ceddf6c44c1928d367a815d890f/5a0d5ceddf6c44c1928d367a815d890f-1234567",
			Identity{Runtime: ECS, ContainerID: "5a0d5ceddf6c44c1928d367a815d890f-1234567", Driver: Cgroupfs}},
		{"Datadog tagging examples: reference impl, systemd docker",
			"/system.slice/docker-" + ddRefImpl + ".scope",
			Identity{Runtime: Docker, ContainerID: ddRefImpl, Driver: Systemd}},
		{"Datadog tagging examples: reference impl, crio systemd burstable",
			"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod90d81341_92de_11e7_8cf2_507b9d4141fa.slice/crio-" + ddCRIO + ".scope",
			Identity{Runtime: CRIO, ContainerID: ddCRIO, PodUID: "90d81341-92de-11e7-8cf2-507b9d4141fa", QoS: Burstable, Driver: Systemd}},
		{"Datadog tagging examples: /docker/<id>/not_hex (they report nothing; a cgroup below a container's is the container's own)",
			"/docker/051e2ee0bce99116029a13df4a9e943137f19f957f38ac02d6bad96f9b700f76/not_hex",
			Identity{Runtime: Docker, ContainerID: "051e2ee0bce99116029a13df4a9e943137f19f957f38ac02d6bad96f9b700f76", Driver: Cgroupfs}},
		{"Datadog agent pkg/util/containers cgroup tests: Rancher, docker in docker (innermost wins)",
			"/docker/864daa0a0b19aa4703231b6c76f85c6f369b2452a5a7f777f0c9101c0fd5772a/docker/a27f1331f6ddf72629811aac65207949fc858ea90100c438768b531a4c540419",
			Identity{Runtime: Docker, ContainerID: "a27f1331f6ddf72629811aac65207949fc858ea90100c438768b531a4c540419", Driver: Cgroupfs}},
		{"tetragon rthooks args_test: cgroupfs besteffort",
			"/kubepods/besteffort/pod05e102bf-8744-4942-a241-9b6f07983a53/" + tetragonCtr,
			Identity{Runtime: CRI, ContainerID: tetragonCtr, PodUID: "05e102bf-8744-4942-a241-9b6f07983a53", QoS: BestEffort, Driver: Cgroupfs}},
		{"tetragon rthooks args_test: cgroupfs crio",
			"/kubepods/besteffort/pod897277d4-5e6f-4999-a976-b8340e8d075e/crio-" + tetragonCRIO,
			Identity{Runtime: CRIO, ContainerID: tetragonCRIO, PodUID: "897277d4-5e6f-4999-a976-b8340e8d075e", QoS: BestEffort, Driver: Cgroupfs}},
		{"issue 15: kubelet systemd driver, containerd, burstable",
			"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod11111111_2222_3333_4444_555555555555.slice/cri-containerd-" + anyID + ".scope",
			Identity{Runtime: Containerd, ContainerID: anyID, PodUID: "11111111-2222-3333-4444-555555555555", QoS: Burstable, Driver: Systemd}},
		{"issue 15: kubelet systemd driver, guaranteed pod directly under kubepods",
			"/kubepods.slice/kubepods-pod11111111_2222_3333_4444_555555555555.slice/cri-containerd-" + anyID + ".scope",
			Identity{Runtime: Containerd, ContainerID: anyID, PodUID: "11111111-2222-3333-4444-555555555555", QoS: Guaranteed, Driver: Systemd}},
		{"issue 15: kubelet cgroupfs driver, guaranteed pod directly under kubepods",
			"/kubepods/pod11111111-2222-3333-4444-555555555555/" + anyID,
			Identity{Runtime: CRI, ContainerID: anyID, PodUID: "11111111-2222-3333-4444-555555555555", QoS: Guaranteed, Driver: Cgroupfs}},
		{"issue 15: cri-dockerd with the systemd driver",
			"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod11111111_2222_3333_4444_555555555555.slice/docker-" + anyID + ".scope",
			Identity{Runtime: Docker, ContainerID: anyID, PodUID: "11111111-2222-3333-4444-555555555555", QoS: BestEffort, Driver: Systemd}},
		{"issue 15: CRI-O's conmon with the systemd driver",
			"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod11111111_2222_3333_4444_555555555555.slice/crio-conmon-" + anyID + ".scope",
			Identity{Runtime: CRIO, MonitorOf: anyID, PodUID: "11111111-2222-3333-4444-555555555555", QoS: BestEffort, Driver: Systemd}},
		{"issue 15: a process in the pod's cgroup itself (CRI-O conmon_cgroup=pod)",
			"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod11111111_2222_3333_4444_555555555555.slice",
			Identity{Runtime: Unknown, PodUID: "11111111-2222-3333-4444-555555555555", QoS: BestEffort, Driver: Systemd, Reason: "in the pod's cgroup, not a container's"}},
		{"issue 15: podman rootful, systemd",
			"/machine.slice/libpod-" + anyID + ".scope",
			Identity{Runtime: Podman, ContainerID: anyID, Driver: Systemd}},
		{"issue 15: podman with cgroup v2 splits the payload into a child cgroup",
			"/machine.slice/libpod-" + anyID + ".scope/container",
			Identity{Runtime: Podman, ContainerID: anyID, Driver: Systemd}},
		{"issue 15: podman rootless",
			"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + anyID + ".scope",
			Identity{Runtime: Podman, ContainerID: anyID, Driver: Systemd}},
		{"issue 15: podman's conmon",
			"/machine.slice/libpod-conmon-" + anyID + ".scope",
			Identity{Runtime: Podman, MonitorOf: anyID, Driver: Systemd}},
		{"issue 15: podman with the cgroupfs manager",
			"/libpod_parent/libpod-" + anyID,
			Identity{Runtime: Podman, ContainerID: anyID, Driver: Cgroupfs}},
		// cgroup_namespaces(7): read from inside a cgroup namespace (the
		// exporter in its pod, deploy/), a path is relative to the reader's
		// cgroup, and the kubelet's root may be cut off by "..".
		{"cgroup_namespaces(7): systemd driver, read from another pod's cgroup namespace",
			"/../../../kubepods-besteffort.slice/kubepods-besteffort-pod11111111_2222_3333_4444_555555555555.slice/cri-containerd-" + anyID + ".scope",
			Identity{Runtime: Containerd, ContainerID: anyID, PodUID: "11111111-2222-3333-4444-555555555555", QoS: BestEffort, Driver: Systemd}},
		{"cgroup_namespaces(7): systemd driver, a guaranteed pod read from a pod of the same QoS slice",
			"/../../kubepods-pod11111111_2222_3333_4444_555555555555.slice/crio-conmon-" + anyID + ".scope",
			Identity{Runtime: CRIO, MonitorOf: anyID, PodUID: "11111111-2222-3333-4444-555555555555", QoS: Guaranteed, Driver: Systemd}},
		{"cgroup_namespaces(7): cgroupfs driver, the QoS class cut off",
			"/../../pod11111111-2222-3333-4444-555555555555/" + anyID,
			Identity{Runtime: CRI, ContainerID: anyID, PodUID: "11111111-2222-3333-4444-555555555555", Driver: Cgroupfs,
				Reason: "the QoS class is not in a path relative to the reader's cgroup namespace"}},
		{"cgroup_namespaces(7): cgroupfs driver, a burstable pod read from a guaranteed one",
			"/../../burstable/pod11111111-2222-3333-4444-555555555555/" + anyID,
			Identity{Runtime: CRI, ContainerID: anyID, PodUID: "11111111-2222-3333-4444-555555555555", QoS: Burstable, Driver: Cgroupfs}},
		{"cgroup_namespaces(7): a host service read from a pod's cgroup namespace",
			"/../../../../system.slice/containerd.service",
			Identity{Runtime: Host, Driver: Systemd}},
		{"cgroup_namespaces(7): above the reader, nothing more is told",
			"/../..",
			Identity{Runtime: Unknown, Reason: "no known container runtime layout"}},
		{"host: the root", "/", Identity{Runtime: Host}},
		{"host: a systemd service", "/system.slice/ssh.service", Identity{Runtime: Host, Driver: Systemd}},
		{"host: a login session", "/user.slice/user-1000.slice/session-2.scope", Identity{Runtime: Host, Driver: Systemd}},
		{"unknown: a plain directory no runtime makes", "/process_api/5a08ae0ab0b4474bf864b69c0b2b4c86",
			Identity{Runtime: Unknown, Reason: "a container-like id under an unknown layout"}},
		{"unknown: an id under an unknown prefix is not guessed", "/system.slice/foo-" + anyID + ".scope",
			Identity{Runtime: Unknown, Reason: "a container-like id under an unknown layout"}},
		{"unknown: a name", "/mygroup/worker", Identity{Runtime: Unknown, Reason: "no known container runtime layout"}},
		{"unknown: kubepods with a non-pod child", "/kubepods/burstable/notapod",
			Identity{Runtime: Unknown, Driver: Cgroupfs, Reason: "kubepods child is not a pod"}},
		{"unknown: a bad pod UID", "/kubepods.slice/kubepods-podxyz.slice/cri-containerd-" + anyID + ".scope",
			Identity{Runtime: Unknown, Driver: Systemd, Reason: "kubepods child is not a pod slice"}},
	}
	for _, tt := range tests {
		t.Run(tt.source, func(t *testing.T) {
			tt.want.Path = tt.path
			if diff := cmp.Diff(tt.want, IdentifyPath(tt.path)); diff != "" {
				t.Errorf("IdentifyPath(%q) (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}

func TestIdentifyFile(t *testing.T) {
	v1kube := "/kubepods/besteffort/pod3d274242-8ee0-11e9-a8a6-1e68d864ef1a/" + ddKube
	tests := []struct {
		name, file string
		want       Identity
	}{
		{"Datadog tagging examples: v1 file, many hierarchies and name=systemd",
			"11:perf_event:" + v1kube + "\n10:pids:" + v1kube + "\n3:net_cls,net_prio:" + v1kube + "\n1:name=systemd:" + v1kube + "\n",
			Identity{Runtime: CRI, ContainerID: ddKube, PodUID: "3d274242-8ee0-11e9-a8a6-1e68d864ef1a", QoS: BestEffort, Driver: Cgroupfs, Version: V1, Path: v1kube}},
		{"v2: the single 0:: line",
			"0::/system.slice/docker-" + ddRefImpl + ".scope\n",
			Identity{Runtime: Docker, ContainerID: ddRefImpl, Driver: Systemd, Version: V2, Path: "/system.slice/docker-" + ddRefImpl + ".scope"}},
		{"hybrid: v1 lines and a unified path",
			"4:memory:/docker/" + ddDocker + "\n1:name=systemd:/docker/" + ddDocker + "\n0::/docker/" + ddDocker + "\n",
			Identity{Runtime: Docker, ContainerID: ddDocker, Driver: Cgroupfs, Version: Hybrid, Path: "/docker/" + ddDocker}},
		{"a controller left elsewhere does not hide the container (this host's memory hierarchy)",
			"9:name=systemd:/docker/" + ddDocker + "\n4:memory:/process_api/5a08ae0ab0b4474bf864b69c0b2b4c86\n0::/\n",
			Identity{Runtime: Docker, ContainerID: ddDocker, Driver: Cgroupfs, Version: V1, Path: "/docker/" + ddDocker}},
		{"this host's own processes: unknown, never a guess",
			"9:name=systemd:/\n4:memory:/process_api/5a08ae0ab0b4474bf864b69c0b2b4c86\n0::/\n",
			Identity{Runtime: Unknown, Version: V1, Path: "/process_api/5a08ae0ab0b4474bf864b69c0b2b4c86", Reason: "a container-like id under an unknown layout"}},
		{"host on v1",
			"9:name=systemd:/system.slice/ssh.service\n4:memory:/system.slice/ssh.service\n0::/\n",
			Identity{Runtime: Host, Driver: Systemd, Version: V1, Path: "/system.slice/ssh.service"}},
		{"hierarchies naming two containers",
			"9:name=systemd:/docker/" + ddDocker + "\n4:memory:/docker/" + ddRefImpl + "\n",
			Identity{Runtime: Unknown, Version: V1, Path: "/docker/" + ddDocker,
				Reason: `cgroup hierarchies disagree: "/docker/` + ddDocker + `" and "/docker/` + ddRefImpl + `"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, err := proc.ParseCgroup([]byte(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, Identify(lines)); diff != "" {
				t.Errorf("Identify (-want +got):\n%s", diff)
			}
		})
	}
}
