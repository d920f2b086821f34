package tree_test

import (
	"fmt"
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
