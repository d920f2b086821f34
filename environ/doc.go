// Package environ reads process environments losslessly, finds the secrets
// in them, and prints them redacted.
//
// # What it reads
//
// Everything goes through a [proc.FS], so a capture directory or any
// [io/fs.FS] laid out like /proc works as well as the live /proc. For
// process PID, relative to its root:
//
//   - [Read]: PID/environ; when that read is empty, cut short or refused
//     with ESRCH, also PID/stat (and, for a zombie group leader,
//     PID/task/TID/environ of a thread still running).
//   - [Scan]: the process list, then for each process what [Read] reads,
//     PID/cmdline, and PID/comm only for the processes with findings.
//
// [Parse] and [ParseString] read nothing: they parse bytes.
//
// # Parsing
//
// [Parse] splits an environment block into [Entry] values that keep every
// byte: names and values may be invalid UTF-8, contain '=' (the name ends at
// the first one), be empty; entries without '=' are kept and marked, as are
// duplicates ([Env.Lookup] returns the first, like glibc's getenv); a
// missing final NUL is recorded. [Env.Bytes] reproduces the input byte for
// byte. There is no size cap.
//
// # Secrets and redaction
//
// Package [secret] decides what is a secret: [Entry.Classify] applies
// [secret.Classify] to an entry, [Env.Secrets] lists an environment's
// secrets (names and reasons, no values), and [Scan] applies
// [secret.Classify] and [secret.ClassifyArgs] to every process. Values are
// redacted by default everywhere they are printed: [Entry.String],
// [Entry.GoString] and [Redact] replace a secret value with
// [secret.Marker]'s "<redacted:REASON>", and a [Finding] carries no value
// at all. Revealing is explicit: [Entry.Raw], [Env.Bytes], or the Value
// field itself.
//
// # Errors
//
// Errors from [Read] match [io/fs.ErrNotExist] when the process does not
// exist, [io/fs.ErrPermission] when the caller may not read it (environ
// needs ptrace access to the process: same user without restrictions, or
// CAP_SYS_PTRACE), and [proc.ErrGone] (which also matches
// [io/fs.ErrNotExist]) when the process exited. Parsing never fails.
//
// [Scan] fails only when the processes cannot be listed, or when its
// context is done (it then returns what it found so far with ctx.Err()). A
// process it cannot read is named in [ScanResult.Failures] as a
// [proc.Failure] and the scan goes on: a process that exited
// ([io/fs.ErrNotExist]) or whose environment the caller may not read
// ([io/fs.ErrPermission]) is expected on a live machine; anything else is
// worth reporting.
//
// # Races
//
// The kernel answers a read of environ with nothing, and no error, once the
// process has released its memory: a zombie, a process in the middle of
// exiting, or one reaped after the file was opened (recent kernels refuse
// the open with ESRCH instead). [Read] checks stat after such a read and
// reports such a process as gone rather than returning an
// empty environment; a process started with an empty environment (env -i)
// or a kernel thread still reads as an empty [Env].
//
// # Concurrency
//
// The functions of this package keep no state of their own, and a
// [proc.FS] is safe for concurrent use: [Read], [Parse] and [Scan] may be
// called from several goroutines at once, on the same FS too. An [Env] is
// a plain value; the entries of one Env share one string, which is never
// modified, so several goroutines may read one Env as long as none changes
// it.
package environ
