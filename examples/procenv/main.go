//go:build linux

// Procenv prints the environment of a process with its secrets redacted, or
// finds the secrets in every process's environment and command line.
//
//	procenv [-root DIR] [-json] [-show-secrets] PID
//	procenv [-root DIR] -raw PID
//	procenv [-root DIR] [-json] -scan
//
// The default output is one entry per line, NAME=VALUE, with a secret's value
// replaced by <redacted:REASON>; a line holding control characters, invalid
// UTF-8 or other non-printable runes, or starting with '"', is printed
// Go-quoted instead (as every text output of the examples prints such a
// string). -json prints a list of
// {name, value, secret, reason} in file order; a name or value that is not
// valid UTF-8 also carries name_base64 / value_base64 with its exact bytes,
// and an entry without '=' has a null value, so the exact bytes can be
// rebuilt (with -show-secrets). -raw writes the exact bytes of the environ
// file. -scan prints PID, COMM, SOURCE (environ or cmdline), NAME and REASON
// for every secret on the machine, and counts the processes it could not
// read; -json makes that {findings, processes, scanned, gone, unreadable,
// errors}. -root reads a capture instead of /proc.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"text/tabwriter"

	"github.com/procscope/procscope/environ"
	"github.com/procscope/procscope/internal/cli"
	"github.com/procscope/procscope/proc"
)

func main() {
	cli.Exit("procenv", run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) error {
	fl := cli.NewFlagSet("procenv", stderr,
		"procenv [-root DIR] [-json] [-show-secrets] PID", "procenv [-root DIR] -raw PID", "procenv [-root DIR] [-json] -scan")
	root := fl.String("root", "/proc", "proc tree to read: /proc or a capture directory")
	asJSON := fl.Bool("json", false, "print JSON")
	sec := cli.SecretsFlag(fl)
	raw := fl.Bool("raw", false, "write the exact bytes of the environ file (secrets included)")
	scan := fl.Bool("scan", false, "list the secrets of every process")
	if err := cli.Parse(fl, args, stdout); err != nil {
		return err
	}
	fsys, err := cli.OpenRoot(*root)
	if err != nil {
		return err
	}
	if *scan {
		if fl.NArg() != 0 || *raw {
			fl.Usage()
			return errors.New("-scan takes no PID and no -raw")
		}
		return scanAll(fsys, *asJSON, stdout, stderr)
	}
	if fl.NArg() != 1 {
		fl.Usage()
		return errors.New("want exactly one PID")
	}
	pid, err := strconv.Atoi(fl.Arg(0))
	if err != nil || pid <= 0 {
		return fmt.Errorf("bad PID %q", fl.Arg(0))
	}
	env, err := environ.Read(fsys.Process(pid))
	if err != nil {
		return err
	}
	switch {
	case *raw:
		_, err := stdout.Write(env.Bytes())
		return err
	case *asJSON:
		return writeJSON(stdout, sec.Env(env))
	}
	for _, line := range sec.Env(env).Lines() {
		if _, err := fmt.Fprintln(stdout, cli.Escape(line)); err != nil {
			return err
		}
	}
	return nil
}

type scanJSON struct {
	Findings   []environ.Finding `json:"findings"`
	Processes  int               `json:"processes"`
	Scanned    int               `json:"scanned"`
	Gone       int               `json:"gone"`
	Unreadable int               `json:"unreadable"`
	Errors     []string          `json:"errors"`
}

func scanAll(fsys *proc.FS, asJSON bool, stdout, stderr io.Writer) error {
	res, err := environ.Scan(context.Background(), fsys, nil)
	if err != nil {
		return err
	}
	// A process that exited is counted as gone; any other failure (most
	// often permission) as unreadable, and printed.
	gone := 0
	var errs []string
	for _, f := range res.Failures {
		if errors.Is(f, fs.ErrNotExist) {
			gone++
		} else {
			errs = append(errs, f.Error())
		}
	}
	scanned := res.Processes - gone - len(errs)
	if asJSON {
		out := scanJSON{Findings: res.Findings, Processes: res.Processes, Scanned: scanned,
			Gone: gone, Unreadable: len(errs), Errors: []string{}}
		if out.Findings == nil {
			out.Findings = []environ.Finding{}
		}
		out.Errors = append(out.Errors, errs...)
		return writeJSON(stdout, out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "PID\tCOMM\tSOURCE\tNAME\tREASON")
	for _, f := range res.Findings {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", f.PID, cli.Escape(f.Comm), f.Source, cli.Escape(f.Name), f.Reason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, e := range errs {
		fmt.Fprintln(stderr, "procenv:", cli.Escape(e))
	}
	fmt.Fprintf(stderr, "procenv: %d processes: %d scanned, %d unreadable, %d gone; %d findings\n",
		res.Processes, scanned, len(errs), gone, len(res.Findings))
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
