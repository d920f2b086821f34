//go:build linux && (amd64 || arm64)

package syscallstat_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"

	"github.com/procscope/procscope/syscallstat"
)

// Count the calls of a command and its children, like strace -c -f.
func ExampleStart() {
	cmd := exec.Command("ls", "/")
	tr, err := syscallstat.Start(cmd, &syscallstat.Options{Follow: true, SeccompBPF: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	sum, err := tr.Wait(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	syscallstat.WriteSummary(os.Stderr, sum.Syscalls, syscallstat.SortTime)
	fmt.Println("exit code", sum.Exit.ExitCode())
}

// Attach to a running process until Ctrl-C, then detach and print the
// counts per thread.
func ExampleAttach() {
	tr, err := syscallstat.Attach(1234, &syscallstat.Options{Follow: true, WallClock: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sum, _ := tr.Wait(ctx) // returns ctx.Err() after detaching
	for _, p := range sum.Processes {
		for _, th := range p.Threads {
			fmt.Printf("pid %d tid %d: %d calls\n", p.PID, th.TID, th.Syscalls.Total().Calls)
		}
	}
}

// Write a seccomp profile of what a command did.
func ExampleProfile() {
	tr, err := syscallstat.Start(exec.Command("ls", "/"), &syscallstat.Options{Follow: true})
	if err != nil {
		return
	}
	sum, _ := tr.Wait(context.Background())
	prof := syscallstat.Profile(sum.Syscalls, &syscallstat.ProfileOptions{Log: true})
	fmt.Println(prof.DefaultAction)
}
