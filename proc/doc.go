// Package proc reads the per-process files of a /proc tree: the live /proc,
// a capture written by [Capture] (and the examples/capture program), or any
// [io/fs.FS] laid out the same way.
//
// # What it reads
//
// [FS] is the tree ([Default] for the live /proc, [NewDir] for a directory,
// [New] for any fs.FS); [FS.Process] returns a cheap [Process] handle whose
// readers are named after the files they read, each with the pure parser of
// the file's bytes beside it:
//
//	/proc/PID/stat          Process.Stat         (ParseStat)
//	/proc/PID/status        Process.Status       (ParseStatus)
//	/proc/PID/cmdline       Process.Cmdline      (ParseCmdline)
//	/proc/PID/comm          Process.Comm
//	/proc/PID/exe           Process.Exe          (the link and the file behind it)
//	/proc/PID/cwd           Process.Cwd
//	/proc/PID/root          Process.Root
//	/proc/PID/task/         Process.Tasks        (each Task has Stat, Status, Comm)
//	/proc/PID/cgroup        Process.Cgroup       (ParseCgroup; v1, v2 and hybrid)
//	/proc/PID/ns/           Process.Namespaces, Process.Namespace (ParseNamespace; links read, never followed)
//	/proc/PID/mountinfo     Process.MountInfo    (ParseMountInfo; escapes decoded)
//	/proc/PID/attr/         Process.Attr         (ParseAttr; AppArmor, SELinux, Smack, or LSMNone)
//	/proc/PID/limits        Process.Limits       (ParseLimits; "unlimited" is Unlimited)
//	/proc/PID/statm         Process.Statm        (ParseStatm)
//	/proc/PID/smaps_rollup  Process.SmapsRollup  (ParseSmapsRollup)
//	/proc/PID/maps          Process.Maps         (ParseMaps)
//	/proc/PID/io            Process.IO           (ParseIO)
//	/proc/PID/oom_score_adj Process.OOMScoreAdj  (ParseOOMScoreAdj)
//	/proc/PID/loginuid      Process.LoginUID     (ParseAuditID; AuditUnset when unset)
//	/proc/PID/sessionid     Process.SessionID    (ParseAuditID)
//	/proc/                  FS.PIDs, FS.All
//
// [Process.Info] reads all of them at once, with a per-part error map. Files
// this package does not parse are read with [Process.ReadFile] and the
// [FS] methods ([FS.ReadFile], [FS.ReadLink], [FS.ReadDir], [FS.Lstat],
// [FS.StatLink]), which replay what a capture recorded and normalise errors
// as the readers do. Nothing outside the tree is read but the running
// kernel's release and machine name (for what [Capture] records and for
// [FS.Arch]). No reader caps the size it reads.
//
// Results are plain values that hold no handle, so they compare with ==
// or go-cmp. Parsers are pure functions of the file's bytes.
//
// # Names
//
// Exported names use Go's capitals for initialisms, in every package of this
// module: PID, PPID, TGID, TID, NGID, UID, GID, FD, ID, IO, OOM, CPU, VM,
// RSS, PSS, PMD. Otherwise a field keeps the kernel's name for it, so that
// the file's documentation finds it: [Status].PPID is the status line PPid,
// [Status].VMRSS the line VmRSS, [Stat].PGRP the stat field pgrp. A kernel
// object named after its system call keeps that name as one word, as
// golang.org/x/sys/unix does: Eventfd, Signalfd, Pidfd.
//
// Verbs mean one thing in every package: Parse turns bytes (or a link's
// text) into a value and does no I/O ([ParseStat], fd.ParseInfo,
// environ.Parse); Read reads one file of one process through an [FS] or a
// [Process] (environ.Read, container.Read); List returns several items
// of one process (fd.List); Scan covers the whole machine (tree.Scan,
// environ.Scan, container.Scan). The
// readers of this package are methods named after the file they read,
// without a verb ([Process.Stat] reads /proc/PID/stat).
//
// # Errors
//
// Every error is one line, names the file (relative to the tree's root, such
// as "123/stat") and can be tested with [errors.Is] or [errors.As]:
//
//   - A process that does not exist, or that exited while it was being read,
//     matches [fs.ErrNotExist]. The kernel answers ENOENT for some files of an
//     exited process and ESRCH for others; an ESRCH also matches [ErrGone]
//     (which itself matches fs.ErrNotExist).
//   - A file the caller may not read (another user's process, hidepid, a
//     missing capability) matches [fs.ErrPermission]. The failure is per file:
//     one unreadable file never fails a whole scan.
//   - A malformed or truncated file is a [*ParseError], matching [ErrParse],
//     that names the file, the field and the raw value. A parser given bare
//     bytes returns one with an empty Path; the readers fill it in.
//   - A kernel thread or a zombie has no memory: its smaps_rollup, which
//     the kernel refuses with ESRCH as for a gone process, returns an error
//     matching [ErrNoAddressSpace] instead while the process exists.
//   - No security module labels processes: [Process.Attr] returns an [Attr]
//     with LSM [LSMNone], not an error.
//   - In a capture: a file it must hold but lacks is damage, [ErrDamaged],
//     not a gone process; a symbolic link where a file or directory was
//     expected is [ErrLink]; an absolute name or one with ".." matches
//     [fs.ErrInvalid]; [FS.StatLink] of a link whose target was not
//     recorded is [ErrNoFileID]. A file the capture could not read returns
//     the error it recorded (matching fs.ErrPermission or fs.ErrNotExist as
//     it did live).
//   - An FS made by [New] with a nil fs.FS fails every read with an error
//     matching [fs.ErrInvalid].
//
// A scan over many processes (environ.Scan, fd.Holders, tree.Scan) returns
// what it could read with the failures of the processes it could not, as
// [Failure] values; [Failure] says which of them are expected. Within one
// process, [Process.Info] keeps the error of each part it could not read.
//
// # Concurrency
//
// An [FS] is safe for concurrent use, [Default]'s shared one included. A
// [Process] or [Task] is a small value (a pid and its FS): copy it, and
// call its readers from any number of goroutines. Results belong to the
// caller and share nothing with the FS or with each other, except the
// *CaptureInfo of [FS.CaptureInfo], read once and shared: do not modify it.
// The parsers
// are pure functions, safe anywhere. [Capture] may run concurrently with
// readers of its source, but two captures must not write the same
// directory at once.
//
// # Races
//
// Processes come and go while they are read. [FS.All] and [FS.PIDs] list the
// pids present at one moment; a process may be gone by the time it is read,
// and its readers then return an error matching fs.ErrNotExist. Two reads of
// the same process are two moments: compare Stat.StartTime to detect a pid
// that was reused in between.
//
// # Captures
//
// A capture is a plain directory: the files are copies, exe, cwd, root and
// fd/N are real symbolic links holding the original targets, and
// capture.json ([CaptureFile]) records what a plain tree cannot hold: the
// kernel's architecture ([FS.Arch], by which package fd decodes open
// flags; a capture written before it was recorded reads as the running
// kernel's), the mode of each link, the device, inode and link count of the file behind it,
// files that were unreadable (reading them from the capture returns the same
// kind of error) and directories that were empty. [NewDir] reads a capture
// as it reads the live /proc, with two differences. A capture holds
// secrets and is private: [Capture] writes directories 0700, each file with
// its source's mode masked to the owner (environ 0400) and capture.json
// 0600. And a capture is a file someone sent you, untrusted input: NewDir
// opens every name beneath the capture's root without following any
// symbolic link ([ErrLink]), refuses absolute names and ".." ([fs.ErrInvalid]),
// reads the recorded links as data only, and answers [FS.StatLink] from
// capture.json. A file a capture should hold but lacks is reported as damage
// ([ErrDamaged]), not as a process that exited. Whether a tree is the live
// /proc, whose links are the kernel's and are followed, is decided once, by
// [NewDir], from the file system's magic number ([FS.Live]).
package proc
