//go:build linux

// Package workload runs a loop of system calls the way the bench scripts
// compare tracers: in one thread, in four threads, or in fifty forked
// children.
package workload

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
)

// Run makes n rounds of loop in all, as mode says: "single" in this
// thread; "threads" n/4 each in four locked OS threads; "forks" n/50 each
// in fifty children started at once, each this executable run with the
// arguments "child" and its share (the caller's main runs loop for it).
func Run(mode string, n int, loop func(n int)) error {
	switch mode {
	case "single":
		loop(n)
	case "threads":
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				runtime.LockOSThread()
				loop(n / 4)
			})
		}
		wg.Wait()
	case "forks":
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		cmds := make([]*exec.Cmd, 50)
		for i := range cmds {
			cmds[i] = exec.Command(exe, "child", strconv.Itoa(n/50))
			cmds[i].Stdout, cmds[i].Stderr = os.Stdout, os.Stderr
			if err := cmds[i].Start(); err != nil {
				return err
			}
		}
		for _, c := range cmds {
			if err := c.Wait(); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("unknown mode %q (single, threads or forks)", mode)
	}
	return nil
}
