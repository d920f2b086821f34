package tree_test

import (
	"fmt"
	"log"
	"os"

	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/tree"
)

// Render the process tree of the live system like `pstree -p -A 1`.
func ExampleScan() {
	s, err := tree.Scan(proc.Default(), &tree.Options{Threads: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	s.Render(os.Stdout, 1, nil)
}

// Print the ancestors of the current process.
func ExampleSnapshot_Ancestors() {
	s, err := tree.Scan(proc.Default(), nil)
	if err != nil {
		return
	}
	a, _ := s.Ancestors(os.Getpid())
	for _, p := range a {
		fmt.Println(p.PID, p.Comm)
	}
}

// The "ancestors" of one process, without scanning the whole system.
func ExampleReadAncestors() {
	a, err := tree.ReadAncestors(proc.Default(), os.Getpid())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	for _, p := range a {
		fmt.Println(p.PID, p.Comm)
	}
}

// The README's tree snippet (TestReadmeSnippet keeps the two the same):
// render the tree like pstree -p -A 1, then list this process's ancestors.
// Node returns nil for a pid that is not in the snapshot (it exited, or a
// /proc mounted with hidepid hides it), so check before using it.
func ExampleSnapshot_Node() {
	snap, err := tree.Scan(proc.Default(), &tree.Options{Threads: true})
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
