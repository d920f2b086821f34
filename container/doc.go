// Package container tells, from /proc alone, which container and pod a
// process belongs to, and what the kernel really enforces on it, in the
// terms of the Kubernetes Pod Security Standards.
//
// # Identity
//
// [Read] reads a process's cgroup file (/proc/PID/cgroup) and names the
// runtime (docker, containerd, CRI-O, podman, LXC, ECS), the container id,
// the Kubernetes pod UID and QoS class, the cgroup driver (systemd or
// cgroupfs) and version (v1, v2, hybrid). It knows the layouts established
// projects document (cadvisor, falcosecurity/libs, the Datadog agent,
// Tetragon; the tests name the source of each case). A path none of them
// explains is [Unknown], with the raw path and the reason kept: never a
// guess. A runtime's monitor (CRI-O's and podman's conmon, LXC's monitor)
// is told apart from the container it watches. [Identify] does the same
// for cgroup lines already parsed, [IdentifyPath] for one cgroup path.
//
// Processes of the same container group together: [Scan] returns a
// [Snapshot] with one [Group] per container (container id -> pids) and the
// pods (pod UID -> container ids).
//
// # Observed posture
//
// [Check] compares one process with a [Reference] (pid 1's namespaces,
// mounts and bounding set; where pid 1 cannot be read, as in some
// sandboxes, the caller's own, with a note saying so) and returns a
// [Posture]: a typed list of [Finding]s, each naming the [Control], the
// [Level] it breaks (baseline or restricted), the evidence (the /proc file
// and the value read there) and the pid. The controls are the Pod Security
// Standards' that /proc can observe:
//
//   - host-namespaces: the host's net, pid, ipc or uts namespace
//     (baseline), or its mnt or cgroup namespace (restricted: beyond the
//     standards, and on cgroup v1 every container shares the host's cgroup
//     namespace); host-user-namespace (restricted): the host's user
//     namespace, which the standards do not require leaving at any level
//   - privileged-containers (baseline): every capability of the reference's
//     bounding set effective, no seccomp filter and no LSM confinement
//   - capabilities: beyond the baseline set (baseline), beyond
//     NET_BIND_SERVICE (restricted), in the bounding, permitted, effective
//     or ambient set
//   - seccomp (restricted): no filter. An explicit Unconfined (a baseline
//     violation) and an unset profile look the same from /proc, so the
//     finding claims only the level it surely breaks.
//   - privilege-escalation (restricted): NoNewPrivs off
//   - running-as-non-root (restricted): uid 0 in the initial user namespace
//     (through uid_map for a process in a user namespace)
//   - apparmor, selinux (baseline): an unconfined profile or type
//   - hostpath-volumes (baseline): the host's /, /proc, /var/lib/kubelet or
//     a runtime socket (or a directory holding one) visible in the
//     process's mounts, found by matching each mount's device and root with
//     the reference's mounts
//
// and what the hardening guide adds: read-only-root-filesystem
// (restricted), secrets in the environment or command line (baseline,
// through [environ.Env.Secrets] and [secret.ClassifyArgs]; evidence names
// the variable and the kind of secret, never the value), a
// deleted-executable or memfd one (baseline), and a host-network-listener:
// a socket listening on all addresses in the host's network namespace
// (baseline). A control that could not be checked (a file unreadable, a
// kernel without an LSM) is listed in Posture.Unobserved with the reason.
// Processes outside any container are in the host's namespaces by
// definition: their namespace controls are not reported.
//
// # Errors
//
// A process that exited while being read gives an error matching
// [fs.ErrNotExist] (and [proc.ErrGone] on ESRCH); a file the caller may not
// read matches [fs.ErrPermission]; a malformed file is a [*proc.ParseError]
// naming the file. [Check] returns what it could read together with an
// error joining the failures; [Scan] returns what it could read with the
// processes it could not read in full as [Snapshot.Failures] ([proc.Failure],
// the one shape of every scan in this module); a process that exits before
// [Scan] reads anything of it is left out.
//
// # Concurrency
//
// Every function may be called from any number of goroutines, on the same
// [proc.FS] too. A [Reference] is only read once made, so one may be shared
// by concurrent [Check] calls; an [Options] must not be modified while a
// call uses it, and its [fd.SocketCache] is safe for concurrent use. An
// [Identity], a [Posture] and a [Snapshot] are plain data.
package container
