package tree_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"time"

	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/tree"
)

// Render the process tree of the live system like `pstree -p -A 1`.
func ExampleScan() {
	s, err := tree.Scan(context.Background(), proc.Default(), &tree.Options{Threads: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	s.Render(os.Stdout, 1, nil)
}

// Scan within a time limit, and report what could not be read: a process
// that exited during the scan is expected and no news.
func ExampleSnapshot_Failures() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := tree.Scan(ctx, proc.Default(), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err) // s, if not nil, holds what was read
	}
	if s == nil {
		return
	}
	for _, f := range s.Failures() {
		if !errors.Is(f, fs.ErrNotExist) {
			fmt.Fprintln(os.Stderr, f) // pid N: open N/stat: permission denied, ...
		}
	}
	fmt.Println(s.Len(), "processes")
}

// The README's tree snippet (TestReadmeSnippet keeps the two the same):
// render the tree like pstree -p -A 1, then list this process's ancestors.
// Node returns nil for a pid that is not in the snapshot (it exited, or a
// /proc mounted with hidepid hides it), so check before using it.
func ExampleSnapshot_Node() {
	snap, err := tree.Scan(context.Background(), proc.Default(), &tree.Options{Threads: true})
	if err != nil {
		log.Fatal(err)
	}
	snap.Render(os.Stdout, 1, nil) // what pstree -p -A 1 prints
	n := snap.Node(os.Getpid())
	if n == nil {
		log.Fatalf("process %d is not in the snapshot", os.Getpid())
	}
	for _, a := range n.Ancestors() {
		fmt.Println(a.PID, a.Comm)
	}
}
