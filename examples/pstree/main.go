//go:build linux

// Pstree prints the process tree the way psmisc's `pstree -p -A` does, byte
// for byte, from one scan of /proc (or a capture of it).
//
//	pstree [-root DIR] [-p] [-A|-U] [-T] [-c] [-compact] [-s] [-json] [PID]
//
// PID defaults to 1. -U draws lines with Unicode box characters (-A, the
// default, with ASCII; the last of the two wins), -T hides threads, -p
// shows pids (the default; it overrides -compact), -compact prints the form
// of plain pstree (no pids, identical siblings merged as N*[name]), -c
// disables that merging as pstree -c does (the default form shows pids and,
// as pstree -p, never merges; -compact -c prints no pids and merges
// nothing), -s shows the ancestors of PID above its subtree. Each
// one-letter flag means what it means to pstree, and they may be grouped
// as pstree accepts them: pstree -pA PID prints what psmisc's pstree -pA
// PID prints. Lines are cut at $COLUMNS, else the terminal's width, else
// 132 columns. -json prints the subtree as nested objects {pid, comm,
// threads: [{tid, comm}], children: [...]}, with each thread's own name.
// Processes that could not be read are named on stderr. A PID hidden by a
// /proc mounted with hidepid that is the parent of visible processes
// prints as ?(PID) above them, and -s draws hidden ancestors as ?(PID) up
// to ?(1), as pstree does. A PID that does not exist is an error (pstree
// prints nothing and exits 0).
//
// The tree shows names (comm), never command lines, so it holds no secret
// to redact. It escapes a name's backslash and non-printable bytes as
// pstree does (\ooo); the other text pstree prints, its messages on
// stderr, is escaped as every example's text is (Go-quoted when it holds a
// control byte). JSON holds the exact names.
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
	"strings"

	"github.com/procscope/procscope/internal/cli"
	"github.com/procscope/procscope/tree"
)

func main() {
	cli.Exit("pstree", run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) error {
	fl := cli.NewFlagSet("pstree", stderr,
		"pstree [-root DIR] [-p] [-A|-U] [-T] [-c] [-compact] [-s] [-json] [PID]")
	root := fl.String("root", "", "read this /proc tree (a capture) instead of /proc")
	var unicode bool
	fl.Var(lines{&unicode, true}, "U", "draw lines with Unicode box characters")
	fl.Var(lines{&unicode, false}, "A", "draw lines with ASCII characters; the last of -A and -U wins, as in pstree")
	hide := fl.Bool("T", false, "hide threads")
	noMerge := fl.Bool("c", false, "disable compaction of identical subtrees, as pstree -c (the pid form never compacts)")
	compact := fl.Bool("compact", false, "print no pids and merge identical siblings as N*[name], as plain pstree")
	pids := fl.Bool("p", false, "show pids (the default; overrides -compact and, as in pstree, implies -c)")
	parents := fl.Bool("s", false, "show the ancestors of PID")
	asJSON := fl.Bool("json", false, "print the tree as JSON")
	if err := cli.Parse(fl, args, stdout); err != nil {
		return err
	}
	pid := 1
	switch fl.NArg() {
	case 0:
	case 1:
		p, err := strconv.Atoi(fl.Arg(0))
		if err != nil || p < 0 {
			return fmt.Errorf("bad pid %q", fl.Arg(0))
		}
		pid = p
	default:
		return errors.New("usage: pstree [-root DIR] [-p] [-A|-U] [-T] [-c] [-compact] [-s] [-json] [PID]")
	}
	fsys, err := cli.OpenRoot(*root)
	if err != nil {
		return err
	}
	s, err := tree.Scan(context.Background(), fsys, &tree.Options{Threads: !*hide, ThreadNames: *asJSON && !*hide})
	if err != nil {
		return err
	}
	for _, f := range s.Failures() {
		if !errors.Is(f, fs.ErrNotExist) { // exited during the scan: no news
			fmt.Fprintln(stderr, "pstree:", cli.Escape(f.Err.Error()))
		}
	}
	if *asJSON {
		n := s.Node(pid)
		if n == nil {
			return fmt.Errorf("process %d not found", pid)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(toJSON(n))
	}
	err = s.Render(stdout, pid, &tree.RenderOptions{
		Unicode:     unicode,
		HideThreads: *hide,
		Compact:     *compact && !*pids,
		NoMerge:     *noMerge,
		Parents:     *parents,
		Width:       outputWidth(stdout),
	})
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("process %d not found", pid)
	}
	return err
}

// lines is -A or -U: each sets the line style, so the last one given wins.
type lines struct {
	unicode *bool
	set     bool
}

func (l lines) String() string {
	if l.unicode == nil {
		return "false"
	}
	return strconv.FormatBool(*l.unicode == l.set)
}

func (l lines) Set(v string) error {
	on, err := strconv.ParseBool(v)
	if err != nil {
		return err
	}
	if on {
		*l.unicode = l.set
	}
	return nil
}

func (lines) IsBoolFlag() bool { return true }

type jsonNode struct {
	PID      int          `json:"pid"`
	Comm     string       `json:"comm"`
	Threads  []jsonThread `json:"threads"`
	Children []*jsonNode  `json:"children"`
}

type jsonThread struct {
	TID  int    `json:"tid"`
	Comm string `json:"comm"`
}

func toJSON(n *tree.Node) *jsonNode {
	j := &jsonNode{PID: n.PID, Comm: n.Comm, Threads: []jsonThread{}, Children: []*jsonNode{}}
	for _, t := range n.Threads {
		j.Threads = append(j.Threads, jsonThread{TID: t.TID, Comm: t.Comm})
	}
	for _, c := range n.Children() {
		j.Children = append(j.Children, toJSON(c))
	}
	return j
}

// outputWidth is where pstree cuts lines: $COLUMNS when it is a positive
// number (read as C's strtol with base 0 does), else the width of the
// terminal on stdout, else 132.
func outputWidth(stdout io.Writer) int {
	if c := strings.TrimLeft(os.Getenv("COLUMNS"), " \t\n\v\f\r"); c != "" {
		if v, ok := strtol(c); ok && v > 0 && v < 0x7fffffff {
			return int(v)
		}
	}
	if f, ok := stdout.(*os.File); ok {
		if w := terminalWidth(f); w > 0 {
			return w
		}
	}
	return 132
}

// strtol parses s whole as C's strtol(s, &end, 0) with *end == 0 required:
// an optional sign, then 0x hex, 0 octal or decimal.
func strtol(s string) (int64, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	base := 10
	switch {
	case len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
		base, s = 16, s[2:]
	case len(s) > 1 && s[0] == '0':
		base, s = 8, s[1:]
	}
	if s == "" || strings.ContainsAny(s, "_+-") {
		return 0, false
	}
	v, err := strconv.ParseInt(s, base, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}
