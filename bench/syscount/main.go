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
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"syscall"
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
	switch os.Args[1] {
	case "single", "child":
		loop(total)
	case "threads":
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				runtime.LockOSThread()
				loop(total / 4)
			}()
		}
		wg.Wait()
	case "forks":
		// Fifty children, run one after another's start (all at once),
		// each making total/50 calls.
		exe, _ := os.Executable()
		cmds := make([]*exec.Cmd, 50)
		for i := range cmds {
			cmds[i] = exec.Command(exe, "child", strconv.Itoa(total/50))
			cmds[i].Stdout, cmds[i].Stderr = os.Stdout, os.Stderr
			if err := cmds[i].Start(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		for _, c := range cmds {
			if err := c.Wait(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
		os.Exit(2)
	}
}
