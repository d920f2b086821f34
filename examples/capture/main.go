//go:build linux

// Capture copies the /proc files of running processes into a directory tree
// that the procscope packages read back exactly as they read the live /proc.
// The tests' fixture trees under internal/fixtures were made with it.
//
//	capture -o DIR [-add] [-root /proc] [-json] [-note TEXT] [-children] [-ancestors] PID...
//
// With -children, the descendants of each PID are captured too; with
// -ancestors, every process from each PID's parent up to pid 1, so that a
// tree read from the capture shows the same ancestry as the live system.
// With -json, it prints what it recorded (the content of capture.json)
// instead of a one-line summary. A PID given twice is captured once.
//
// A capture holds secrets (environments, command lines) and is private: DIR
// is created if missing, and DIR and every directory under it have mode 0700;
// each file keeps the permission bits of its /proc source masked to the
// owner (environ 0400, as in /proc), and capture.json is 0600. Group and
// others can read nothing, whatever the umask.
//
// DIR must be missing or empty: capture refuses to write into another
// capture, unless given -add, which adds the processes to the capture in DIR
// and merges its capture.json (a PID it already holds is an error). A failed
// capture removes what it created.
//
// Read back with -root DIR, a capture is untrusted input: the examples open
// every file beneath DIR without following symbolic links (see proc.NewDir).
//
// Its files hold the exact bytes of what it copies, secrets included (the
// environ and cmdline files): a capture is raw data by design, and the
// examples redact it again when they read it back with -root.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"

	"github.com/procscope/procscope/internal/cli"
	"github.com/procscope/procscope/proc"
)

func main() {
	cli.Exit("capture", run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) error {
	fl := cli.NewFlagSet("capture", stderr,
		"capture -o DIR [-root /proc] [-json] [-note TEXT] [-children] [-ancestors] PID...")
	out := fl.String("o", "", "directory to write the capture to")
	root := fl.String("root", "/proc", "proc tree to capture from")
	note := fl.String("note", "", "what the capture is for, recorded in capture.json")
	children := fl.Bool("children", false, "also capture the descendants of each PID")
	ancestors := fl.Bool("ancestors", false, "also capture the ancestors of each PID")
	asJSON := fl.Bool("json", false, "print what was recorded as JSON")
	add := fl.Bool("add", false, "add the processes to the capture already in the -o directory")
	if err := cli.Parse(fl, args, stdout); err != nil {
		return err
	}
	if *out == "" || fl.NArg() == 0 {
		return errors.New("usage: capture -o DIR PID [PID ...] (see -h)")
	}
	src, err := cli.OpenRoot(*root)
	if err != nil {
		return err
	}
	var pids []int
	for _, a := range fl.Args() {
		pid, err := strconv.Atoi(a)
		if err != nil || pid <= 0 {
			return fmt.Errorf("bad pid %q", a)
		}
		pids = append(pids, pid)
	}
	if *children {
		var err error
		if pids, err = withDescendants(src, pids); err != nil {
			return err
		}
	}
	if *ancestors {
		pids = withAncestors(src, pids)
	}
	info, err := proc.Capture(*out, src, pids, &proc.CaptureOptions{
		Command: append([]string{"capture"}, args...),
		Note:    *note,
		Add:     *add,
	})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(info)
	}
	fmt.Fprintf(stdout, "captured %d processes into %s\n", len(slices.Compact(slices.Sorted(slices.Values(pids)))), cli.Escape(*out))
	return nil
}

// withDescendants adds every descendant of pids, found by ppid.
func withDescendants(f *proc.FS, pids []int) ([]int, error) {
	children := map[int][]int{}
	for p, err := range f.All() {
		if err != nil {
			return nil, err
		}
		st, err := p.Stat()
		if err != nil {
			continue // gone or unreadable: not ours to capture
		}
		children[st.PPID] = append(children[st.PPID], p.PID)
	}
	seen := map[int]bool{}
	var out []int
	var walk func(int)
	walk = func(pid int) {
		if seen[pid] {
			return
		}
		seen[pid] = true
		out = append(out, pid)
		for _, c := range children[pid] {
			walk(c)
		}
	}
	for _, p := range pids {
		walk(p)
	}
	return out, nil
}

// withAncestors adds the parent of each pid, and its parent, up to the root.
func withAncestors(f *proc.FS, pids []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, pid := range pids {
		for pid > 0 && !seen[pid] {
			seen[pid] = true
			out = append(out, pid)
			st, err := f.Process(pid).Stat()
			if err != nil {
				break
			}
			pid = st.PPID
		}
	}
	return out
}
