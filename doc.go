// Package procscope is a library for inspecting Linux processes through
// /proc, with a small ptrace-based syscall counter. This package holds only
// documentation; the code is in its subpackages:
//
//	proc         /proc/PID/{stat,status,cmdline,comm,exe,cwd,root,task/,cgroup,ns/,
//	             mountinfo,attr/,limits,statm,smaps_rollup,maps,io,oom_score_adj,
//	             loginuid,sessionid}: typed readers over any /proc tree (the live
//	             /proc, a capture, an fs.FS)
//	fd           /proc/PID/fd, fdinfo and the net tables of the process's own
//	             network namespace: typed fds, sockets resolved, who holds a path
//	environ      /proc/PID/environ (and cmdline): lossless parsing, secret
//	             detection, redaction, whole-system scans
//	secret       no file: tells secrets from other strings (NAME=VALUE, command
//	             lines, option strings, base64/YAML/JSON documents), redaction
//	tree         /proc/PID/stat of every process: the process tree, queries, and
//	             rendering byte-identical to pstree -p
//	syscallstat  ptrace: count a command's or a running process's system calls,
//	             like strace -c -f
//	proctest     fake /proc trees in the kernel's formats, captures as fixtures,
//	             golden files and helper processes, for the tests of tools
//	             built on procscope
//	container    /proc/PID/{cgroup,ns/,mountinfo,attr/,status}: which container and
//	             pod, and what the kernel enforces, in Pod Security Standards terms
//
// Everything that reads /proc takes a [github.com/procscope/procscope/proc.FS]:
// [github.com/procscope/procscope/proc.Default] for the live system, or
// [github.com/procscope/procscope/proc.NewDir] for a capture written by
// examples/capture, so the same code runs on a live machine and on a tree
// captured elsewhere. Errors are tested with errors.Is: fs.ErrNotExist for a
// process that is gone, fs.ErrPermission for one the caller may not read, and
// each package's ErrParse for a malformed file.
//
// The programs under examples/ show each job in a few dozen lines: inspect,
// capture, lsfd, procenv, pstree, syscount and audit. cmd/procscope-exporter
// serves audit's findings and per-container counts to Prometheus, one copy per
// Kubernetes node (deploy/).
package procscope
