// Package tree takes a snapshot of the process tree from /proc in one pass
// and prints it the way psmisc's pstree does, byte for byte.
//
// # What it reads
//
// [Scan] reads PID/stat of every process (ppid, comm, state, flags,
// num_threads, starttime) and, with [Options.Threads], lists PID/task only
// for the processes whose stat counts more than one thread; with
// [Options.ThreadNames] it also reads PID/task/TID/comm. It reads the owner
// of PID (one statx) only for processes that share their parent and comm
// with a sibling, because pstree orders those by uid. On the live /proc it
// does this with raw system calls relative to one directory descriptor
// (about three per process), spread over up to four goroutines when there
// are many processes; on any other [proc.FS], or a capture made by
// examples/capture, it reads through the FS. Both give the same snapshot.
// Nothing else in the package reads: [Snapshot] and [Node] methods, and
// [Snapshot.Render], work on what Scan read.
//
// The [Snapshot] is immutable: look processes up with [Snapshot.Node], walk
// them with [Node.Children], [Node.Walk], [Node.Descendants] and
// [Node.Ancestors], and print them with [Snapshot.Render].
//
// # Errors
//
// Scan fails only when the process list cannot be read, or when its
// context is done: it checks the context before each process, and once it
// is done reads no further process and returns a snapshot of those read so
// far with ctx.Err(). A process that cannot be read is named in
// [Snapshot.Failures] as a [proc.Failure], at most one per process, in pid
// order, and is left out of the snapshot (or kept without its threads when
// only those could not be listed). Expected failures are a process that
// exited during the scan ([io/fs.ErrNotExist], and [proc.ErrGone] when the
// kernel said ESRCH or its stat read empty), one the caller may not read
// ([io/fs.ErrPermission]) and, in a capture, a stat the capture lacks or
// holds empty ([proc.ErrDamaged]); a stat that cannot be parsed is a
// [*proc.ParseError] (matching [proc.ErrParse]) naming the file.
// [Snapshot.Render] returns an error matching [io/fs.ErrNotExist] for a pid
// that is neither in the snapshot nor the missing parent of one (which it
// draws as "?(PID)", as pstree does).
//
// # Races
//
// Processes come and go during a scan. One that exits before its stat is
// read is absent, and named as gone in the failures. A process whose parent is absent, or
// whose parent started after it (the parent's pid was reused during the
// scan), is marked [Node.Orphan] and hangs under the root, pid 1; Render
// prints it under a "?(PPID)" line as pstree does. Under a /proc mounted
// with hidepid, other users' processes are missing parents of this kind,
// and so is a process of the caller's own uid that changed its uid without
// exec'ing since (it is not dumpable, and hidepid=2 hides it even from its
// owner until its next exec). A process whose PPID is 0
// (pid 1, kthreadd, a pid namespace's init) is a root. Kernel threads are
// marked [Node.KernelThread]. A pid is read once, so no process is listed twice.
//
// # Concurrency
//
// Scan may be called from several goroutines at once, on the same
// [proc.FS] too. A [Snapshot], with its nodes, is immutable once Scan
// returns and safe for concurrent use: any number of goroutines may look
// up, walk and render one snapshot at the same time. The slices its methods
// return are shared and must not be modified.
package tree
