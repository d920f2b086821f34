// Package environ reads process environments losslessly, finds the secrets
// in them, and prints them redacted.
//
// # Files
//
// [Read] reads /proc/PID/environ; when that read is empty, cut short or
// refused with ESRCH it also reads /proc/PID/stat (and, for a zombie group
// leader, /proc/PID/task/TID/environ). [Scan] lists the processes and reads
// each one's environ and cmdline, and comm only for those with findings.
// Everything goes through a [proc.FS], so a
// capture directory or an fs.FS works as well as the live /proc.
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
// [secret.Classify] to an entry, and [Scan] applies it and
// [secret.ClassifyArgs] to every process. Values are redacted by default
// everywhere they are printed: [Entry.String], [Redact] and [Env.Records]
// replace a secret value with [secret.Marker]'s "<redacted:REASON>";
// revealing is explicit ([Entry.Raw], [Env.Bytes],
// [RecordOptions.ShowSecrets]).
//
// # Errors
//
// Errors from reading match [fs.ErrNotExist] when the process does not
// exist, [fs.ErrPermission] when the caller may not read it (environ needs
// ptrace access to the process: same user without restrictions, or
// CAP_SYS_PTRACE), and [proc.ErrGone] (which also matches [fs.ErrNotExist]) when
// the process exited. Parsing never fails.
//
// # Races
//
// The kernel answers a read of environ with nothing, and no error, once the
// process has released its memory: a zombie, a process in the middle of
// exiting, or one reaped after the file was opened (recent kernels refuse
// the open with ESRCH instead). [Read] checks stat after such a read and
// reports such a process as gone rather than returning an
// empty environment; a process started with an empty environment (env -i)
// or a kernel thread still reads as an empty [Env]. [Scan] counts processes
// that vanish or cannot be read and goes on.
package environ
