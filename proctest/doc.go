// Package proctest builds fake /proc trees, loads captured ones and compares
// output with golden files, for the tests of programs that read processes
// through procscope, in the spirit of [net/http/httptest] and
// [testing/fstest].
//
// # Fake trees
//
// A [Tree] lists [Process] values; fields left zero get defaults that keep
// the tree consistent (a thread group leader under task/, the init
// namespaces, one mount table, the network tables of each namespace holding
// exactly the sockets its processes have open). [Tree.FS] returns the tree in
// memory as a [*proc.FS] over a [testing/fstest.MapFS]; [Tree.Dir] writes it
// to a temporary directory, laid out as [proc.Capture] writes a capture, and
// opens it. Every file is written in the kernel's own format, byte for byte,
// so every reader of procscope parses it: the [proc.Process] readers,
// [github.com/procscope/procscope/fd.List] with sockets resolved,
// [github.com/procscope/procscope/environ.Read] and
// [github.com/procscope/procscope/tree.Scan]. Tests in this package compare
// the formats with the running kernel's.
//
// Both forms are captures: capture.json records what a directory cannot hold
// (the mode of each link and the file behind it, the files that could not be
// read), so a deleted executable, a file that refuses to be read
// ([Process.Refused]: errors match [io/fs.ErrPermission]) and a process that vanished between the listing and the
// reading ([Process.Gone]: errors match [proc.ErrGone]
// and [io/fs.ErrNotExist]) behave as they do on the live /proc. The zero
// value of every field is a plausible default, and [Process.Files] writes
// any file verbatim, a malformed one included.
//
// # Captured trees and golden files
//
// [Capture] opens a directory written by examples/capture (or
// [proc.Capture]) as a test fixture. [Golden] compares output with a file
// under testdata and rewrites it when the test runs with -update.
//
// # Helper processes
//
// Tests that need a live process re-execute their own test binary:
// [RegisterHelper] names a function, [Main] (or [RunHelper] in a custom
// TestMain) runs it in the child, and [HelperCommand] and [StartHelper]
// start it. [WaitStopped] waits until a stopped process stops changing.
//
// # Errors
//
// [Tree.MapFS] and [Tree.WriteDir] return an error, one line, naming what
// makes a tree inconsistent (a pid or tid given twice or not positive, an
// fd number used twice, an epoll instance watching an fd that is not open)
// or the file that could not be written; the functions that take a
// [testing.TB] ([Tree.FS], [Tree.Dir], [Capture], [CopyCapture], [Golden],
// [HelperCommand], [StartHelper]) fail the test instead. The errors of the returned [*proc.FS] are those
// of package proc.
//
// # Concurrency
//
// A [Tree] is plain data: do not change it while [Tree.FS], [Tree.Dir],
// [Tree.MapFS] or [Tree.WriteDir] read it. The [*proc.FS] they return is,
// like every [proc.FS], safe for concurrent use. [RegisterHelper] may be
// called from any goroutine, usually from an init function.
package proctest
