//go:build linux

// Lsfd lists the open files of a process, with sockets resolved in the
// process's own network namespace, or the processes holding a file open.
//
//	lsfd [-root DIR] [-json] PID
//	lsfd [-root DIR] [-json] -holding PATH
//
// The table has the columns FD, TYPE, MODE and NAME, where NAME is the path
// or the resolved socket (TCP 127.0.0.1:8080->127.0.0.1:51234 (ESTABLISHED)),
// or for a socket in no net table (an unbound netlink socket) its protocol
// as lsof prints it (protocol: NETLINK).
// -json prints a list of {fd, type, subtype, target, path, deleted, inode,
// mode, flags, pos, mnt_id, socket}, or for -holding a list of {pid, comm,
// fd, access}, where fd is null for a holder through its cwd (c), executable
// (e), root (r) or a mapping (m). -root reads a capture instead of /proc.
//
// A name holding a control byte (a newline, ESC), invalid UTF-8 or another
// non-printable rune, or starting with '"', prints Go-quoted in the table
// ("/tmp/a\nb\x1b[31m"): one row per fd, nothing raw on the terminal. lsof
// prints the same name as /tmp/a\nb^[[31m. JSON holds the exact string
// (encoding/json replaces invalid UTF-8 with U+FFFD). Names are not
// redacted: a file or socket name is visible to whoever can list its
// directory, and it is what an audit looks for.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"text/tabwriter"

	"github.com/procscope/procscope/fd"
	"github.com/procscope/procscope/internal/cli"
	"github.com/procscope/procscope/proc"
)

func main() {
	cli.Exit("lsfd", run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) error {
	fl := cli.NewFlagSet("lsfd", stderr,
		"lsfd [-root DIR] [-json] PID", "lsfd [-root DIR] [-json] -holding PATH")
	root := fl.String("root", "/proc", "proc tree to read: /proc or a capture directory")
	asJSON := fl.Bool("json", false, "print JSON")
	holding := fl.String("holding", "", "list the processes holding `PATH` open instead")
	if err := cli.Parse(fl, args, stdout); err != nil {
		return err
	}
	fsys, err := cli.OpenRoot(*root)
	if err != nil {
		return err
	}
	if *holding != "" {
		if fl.NArg() != 0 {
			fl.Usage()
			return errors.New("-holding takes no PID")
		}
		return holders(fsys, *holding, *asJSON, stdout, stderr)
	}
	if fl.NArg() != 1 {
		fl.Usage()
		return errors.New("want exactly one PID")
	}
	pid, err := strconv.Atoi(fl.Arg(0))
	if err != nil || pid <= 0 {
		return fmt.Errorf("bad PID %q", fl.Arg(0))
	}
	if *asJSON {
		// fdinfo read and files stat'ed, so that every JSON field is filled.
		fds, err := fd.List(fsys.Process(pid), &fd.Options{Info: true, Stat: true})
		if fds == nil && err != nil {
			return err
		}
		warn(stderr, err)
		if fds == nil {
			fds = []fd.FD{} // [], not null
		}
		return writeJSON(stdout, fds)
	}
	fds, err := fd.List(fsys.Process(pid), nil)
	if fds == nil && err != nil {
		return err
	}
	warn(stderr, err)
	return writeTable(stdout, fds)
}

// warn names the parts of a partial listing that could not be read; the
// rest is still printed.
func warn(stderr io.Writer, err error) {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			warn(stderr, e)
		}
	} else if err != nil {
		fmt.Fprintln(stderr, "lsfd: warning:", cli.Escape(err.Error()))
	}
}

// writeTable prints the FD, TYPE, MODE and NAME columns. It sizes the
// columns itself rather than with text/tabwriter, which costs more than the
// listing for a process with tens of thousands of fds.
func writeTable(stdout io.Writer, fds []fd.FD) error {
	typeOf := func(f fd.FD) string {
		if f.Subtype != "" {
			return f.Subtype
		}
		return f.Type.String()
	}
	wFD, wType := len("FD"), len("TYPE")
	for _, f := range fds {
		wFD = max(wFD, len(strconv.Itoa(f.FD)))
		wType = max(wType, len(typeOf(f)))
	}
	w := bufio.NewWriterSize(stdout, 64<<10)
	line := make([]byte, 0, 256)
	pad := func(b []byte, n int) []byte {
		for range n {
			b = append(b, ' ')
		}
		return b
	}
	row := func(fdText, typ, mode, name string) {
		line = append(line[:0], fdText...)
		line = pad(line, wFD-len(fdText)+1)
		line = append(line, typ...)
		line = pad(line, wType-len(typ)+1)
		line = append(line, mode...)
		line = pad(line, len("MODE")-len(mode)+1)
		line = append(line, name...)
		line = append(line, '\n')
		w.Write(line)
	}
	row("FD", "TYPE", "MODE", "NAME")
	var num [20]byte
	for _, f := range fds {
		row(string(strconv.AppendInt(num[:0], int64(f.FD), 10)), typeOf(f), f.Mode.String(), cli.Escape(f.Name()))
	}
	return w.Flush()
}

// holderRow is one line of -holding -json.
type holderRow struct {
	PID    int    `json:"pid"`
	Comm   string `json:"comm"`
	FD     *int   `json:"fd"`
	Access string `json:"access"`
}

// holderFD is the FD column of -holding for each access letter, in lsof's
// words; after an fd number, r or w.
var holderFD = map[string]string{"c": "cwd", "e": "txt", "r": "rtd", "m": "mem", "f": "r", "F": "w"}

func holders(fsys *proc.FS, path string, asJSON bool, stdout, stderr io.Writer) error {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stderr, "lsfd: %s does not exist; listing holders of a deleted file that had this path\n", cli.Escape(path))
	}
	res, err := fd.Holders(context.Background(), fsys, path)
	if err != nil {
		return err
	}
	// Processes that exited during the scan are no news; the others are
	// listed after the holders are collected.
	var denied []int
	var failed []error
	for _, f := range res.Failures {
		switch {
		case errors.Is(f, fs.ErrPermission):
			denied = append(denied, f.PID)
		case errors.Is(f, fs.ErrNotExist):
		default:
			failed = append(failed, f.Err)
		}
	}
	var rows []holderRow
	for _, h := range res.Holders {
		for _, held := range h.FDs {
			acc := "f" // fuser: f open for reading, F open for writing
			if held.Mode != fd.ReadOnly {
				acc = "F"
			}
			rows = append(rows, holderRow{PID: h.PID, Comm: h.Comm, FD: &held.FD, Access: acc})
		}
		for _, c := range h.Access {
			if c != 'f' && c != 'F' {
				rows = append(rows, holderRow{PID: h.PID, Comm: h.Comm, Access: string(c)})
			}
		}
	}
	if len(denied) > 0 {
		fmt.Fprintf(stderr, "lsfd: %d processes could not be read (permission): %v\n", len(denied), denied)
	}
	for _, err := range failed {
		warn(stderr, err)
	}
	if asJSON {
		if rows == nil {
			rows = []holderRow{}
		}
		return writeJSON(stdout, rows)
	}
	w := tabwriter.NewWriter(stdout, 0, 8, 1, ' ', 0)
	fmt.Fprintln(w, "PID\tCOMM\tFD")
	for _, r := range rows {
		fdText := holderFD[r.Access]
		if r.FD != nil {
			fdText = strconv.Itoa(*r.FD) + fdText
		}
		// comm may hold blanks and ')': unlike lsof, print it whole.
		fmt.Fprintf(w, "%d\t%s\t%s\n", r.PID, cli.Escape(r.Comm), fdText)
	}
	return w.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
