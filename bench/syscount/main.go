//go:build linux

// Command syscount-workload makes a known number of system calls for
// bench/syscount.sh: getppid in a loop, in one thread, four threads, or
// fifty forked children.
//
//	syscount-workload single|threads|forks [TOTAL]
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"

	"github.com/procscope/procscope/bench/internal/workload"
)

func loop(n int) {
	for range n {
		syscall.Getppid()
	}
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: syscount-workload single|threads|forks|child [TOTAL]")
		os.Exit(2)
	}
	total := 1_000_000
	if len(os.Args) > 2 {
		total, _ = strconv.Atoi(os.Args[2])
	}
	mode := os.Args[1]
	if mode == "child" {
		mode = "single"
	}
	if err := workload.Run(mode, total, loop); err != nil {
		fmt.Fprintln(os.Stderr, "syscount-workload:", err)
		os.Exit(2)
	}
}
