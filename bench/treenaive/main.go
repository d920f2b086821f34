//go:build linux

// Treenaive builds the process tree the naive way, with
// github.com/prometheus/procfs: AllProcs, then Stat of each, then a map from
// parent to children. bench/tree.sh times it next to examples/pstree.
package main

import (
	"fmt"
	"os"

	"github.com/prometheus/procfs"
)

func main() {
	fs, err := procfs.NewFS("/proc")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	procs, err := fs.AllProcs()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	children := map[int][]int{}
	comm := map[int]string{}
	for _, p := range procs {
		st, err := p.Stat()
		if err != nil {
			continue
		}
		children[st.PPID] = append(children[st.PPID], p.PID)
		comm[p.PID] = st.Comm
	}
	fmt.Println(len(comm), "processes,", len(children), "parents")
}
