// Package container tells, from /proc alone, which container and pod a
// process belongs to, and what the kernel really enforces on it, in the
// terms of the Kubernetes Pod Security Standards.
//
// # Identity
//
// [Identify] reads a process's cgroup file (/proc/PID/cgroup) and names the
// runtime (docker, containerd, CRI-O, podman, LXC, ECS), the container id,
// the Kubernetes pod UID and QoS class, the cgroup driver (systemd or
// cgroupfs) and version (v1, v2, hybrid). It knows the layouts established
// projects document (cadvisor, falcosecurity/libs, the Datadog agent,
// Tetragon; the tests name the source of each case). A path none of them
// explains is [Unknown], with the raw path and the reason kept: never a
// guess. A runtime's monitor (CRI-O's and podman's conmon, LXC's monitor)
// is told apart from the container it watches.
//
// # Errors
//
// A process that exited while being read gives an error matching
// [fs.ErrNotExist] (and [proc.ErrGone] on ESRCH); a file the caller may not
// read matches [fs.ErrPermission]; a malformed file is a [*proc.ParseError]
// naming the file.
package container
