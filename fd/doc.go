// Package fd lists the open files of a process from /proc: each fd with its
// raw link target and kind, its fdinfo parsed into numbers, sockets resolved
// to addresses in the process's own network namespace, and who holds a given
// file open.
//
// The main entry points are [List] (one process's fds), [Count] (how many,
// without listing them), [Holders] and [HoldersOf] (every process holding a
// file, like fuser), and the pure parsers [ParseInfo], [ParseNet] and
// [ParseTarget]. Every function reads through a [proc.FS], so it works the
// same on the live /proc, a capture and an [io/fs.FS]. An [FD] encodes to
// JSON ([FD.MarshalJSON]) as lsfd -json and inspect -json print it.
//
// # What it reads
//
// For process PID, relative to the [proc.FS] root:
//
//   - PID/fd/N links (readlink and, unless [Options.NoMode], lstat for the
//     access mode); PID/fd itself is stat'ed by [Count], and by [List] on
//     the live /proc when it resolves sockets (a process with thousands of
//     fds has its socket tables read on another CPU meanwhile)
//   - PID/fdinfo/N with [Options.Info], and by [Holders] for files
//   - PID/ns/net, to key socket tables by network namespace, then
//     PID/net/{tcp,tcp6,udp,udp6,raw,raw6,unix,packet,netlink}, each at most
//     once per namespace per [SocketCache], stopping as soon as every socket
//     is found
//   - with [Options.Stat], the file behind each PID/fd/N link (on the live
//     /proc with statx and AT_STATX_DONT_SYNC, so that a hung network file
//     system answers from its cache; elsewhere [proc.FS.StatLink])
//   - for [Holders]: PID/ns/mnt, PID/mountinfo (once per mount namespace),
//     PID/maps, PID/exe, PID/cwd, PID/root and PID/comm, and on the live
//     /proc self/mountinfo (the reader's mounts, which the cwd and root link
//     paths are relative to); [Holders] also stats the path it is given
//
// On the live /proc ([proc.FS.Live]) the fd directory is read with
// getdents64, readlinkat and fstatat on one directory fd with reused
// buffers, split across CPUs for large processes. Any other tree (a capture,
// an [io/fs.FS]) is read through the [proc.FS] methods, and both give the
// same result.
//
// # Errors
//
// Errors are one line, name the file, and are tested with [errors.Is] and
// [errors.As]; this package defines no sentinels of its own but returns
// package proc's:
//
//   - [io/fs.ErrNotExist]: the process does not exist or exited ([proc.ErrGone]
//     also matches when the kernel said ESRCH)
//   - [io/fs.ErrPermission]: the fd directory (or fdinfo, maps) may not be
//     read, e.g. another user's process
//   - [proc.ErrParse]: a malformed fdinfo, net table or mountinfo; the
//     error is a [*proc.ParseError] naming the file and the line (the
//     parsers, given bare bytes, leave its Path empty)
//   - [proc.ErrDamaged]: a capture lists an fd but lacks its fdinfo
//   - [proc.ErrNoFileID]: with [Options.Stat], a link whose target a capture
//     did not record
//   - [context.Canceled] or [context.DeadlineExceeded]: [Holders] or
//     [HoldersOf] stopped because its context is done, returning what it
//     had found
//
// [List] returns what it could read together with the joined errors of the
// parts it could not (an unreadable fdinfo keeps its entry with a nil Info;
// a malformed net table leaves those sockets unresolved).
//
// # Concurrency
//
// Every function may be called from any number of goroutines, on the same
// process or not. A [SocketCache] is safe for concurrent use, and sharing
// one across the goroutines of a scan is what it is for. An [Options]
// must not be modified while a call uses it. Results belong to the caller,
// except [FD].Socket, which points into the cache's tables, is shared with
// every fd resolved from the same cache, and must be treated as read-only.
//
// # Races
//
// Processes open and close fds while they are listed. An fd closed between
// reading the directory and reading its link is left out without error; a
// process that exits mid-listing gives an error matching fs.ErrNotExist. In
// a [Holders] scan, processes that exit or cannot be read are named in
// [HolderScan].Failures ([proc.Failure]), never fatal; the scan stops
// before the next process once its context is done.
//
// # Architectures
//
// The kernel numbers four open flags differently on arm64 (and arm and
// ppc64) than on amd64: O_DIRECT, O_LARGEFILE, O_DIRECTORY and O_NOFOLLOW.
// The O_* constants have the numbers of the architecture this program is
// built for, and [List] translates the flags of a tree of another
// architecture ([proc.FS.Arch], recorded by captures) into them
// ([Flags.FromArch]), so an arm64 capture reads right on amd64. A capture
// that recorded no architecture is read as the running kernel's.
//
// # Kernel versions
//
// fdinfo has ino since Linux 5.14 (older kernels make [Holders] stat the fd
// link instead); [Count] takes one stat on Linux 6.2 and later, where the
// size of /proc/PID/fd is the number of open fds, and counts directory
// entries before.
package fd
