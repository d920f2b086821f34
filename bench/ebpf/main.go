//go:build linux

// Command ebpf-bench is bench/ebpf.sh's helper:
//
//	ebpf-bench loop single|threads|forks N   the four-syscall loop, N rounds in all;
//	                                         prints the loop's own seconds
//	ebpf-bench startup [-counts] REPS        start-up and teardown of the eBPF backend
//	                                         attached to a sleeping process (ms, median)
//	ebpf-bench hold PREFIX...                holds every loaded eBPF program whose name
//	                                         starts with a PREFIX until SIGINT, then prints
//	                                         its run count and mean run time (needs
//	                                         kernel.bpf_stats_enabled=1)
//	ebpf-bench floor exit|both               attaches an empty program (return 0) to
//	                                         sys_exit, or to sys_enter and sys_exit, until
//	                                         SIGINT: the least any raw syscall hook costs
//
// The loop makes four calls per round: getppid, getuid, getegid and
// close(-1) (which fails with EBADF, so errors are counted too).
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"

	"github.com/procscope/procscope/bench/internal/workload"
	"github.com/procscope/procscope/syscallstat"
)

func loop(n int) {
	for range n {
		syscall.RawSyscall(syscall.SYS_GETPPID, 0, 0, 0)
		syscall.RawSyscall(syscall.SYS_GETUID, 0, 0, 0)
		syscall.RawSyscall(syscall.SYS_GETEGID, 0, 0, 0)
		syscall.RawSyscall(syscall.SYS_CLOSE, ^uintptr(0), 0, 0)
	}
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "loop":
		if len(os.Args) != 4 {
			usage()
		}
		n, _ := strconv.Atoi(os.Args[3])
		start := time.Now()
		if err := workload.Run(os.Args[2], n, loop); err != nil {
			fmt.Fprintln(os.Stderr, "ebpf-bench:", err)
			os.Exit(2)
		}
		fmt.Printf("%.4f\n", time.Since(start).Seconds())
	case "child":
		n, _ := strconv.Atoi(os.Args[2])
		loop(n)
	case "startup":
		counts := slices.Contains(os.Args, "-counts")
		reps, _ := strconv.Atoi(os.Args[len(os.Args)-1])
		startup(max(reps, 1), counts)
	case "hold":
		hold(os.Args[2:])
	case "floor":
		if len(os.Args) != 3 || os.Args[2] != "exit" && os.Args[2] != "both" {
			usage()
		}
		if err := floor(os.Args[2] == "both"); err != nil {
			fmt.Fprintln(os.Stderr, "ebpf-bench floor:", err)
			os.Exit(1)
		}
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: ebpf-bench loop single|threads|forks N | startup [-counts] REPS | hold PREFIX... | floor exit|both")
	os.Exit(2)
}

// startup times Attach (checks, kernel BTF, maps, verification, attach)
// and the teardown (cancel to Wait's return: detach, read, free).
func startup(reps int, counts bool) {
	sleeper := exec.Command("/bin/sleep", "1000")
	if err := sleeper.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer func() { sleeper.Process.Kill(); sleeper.Wait() }()
	if reps > 1 {
		// Cold starts: each in a new process (the kernel's BTF is read
		// once per process).
		var up, down []float64
		exe, _ := os.Executable()
		for range reps {
			args := []string{"startup"}
			if counts {
				args = append(args, "-counts")
			}
			out, err := exec.Command(exe, append(args, "1")...).Output()
			var u, d float64
			if _, err2 := fmt.Sscanf(string(out), "startup_ms %f teardown_ms %f", &u, &d); err != nil || err2 != nil {
				fmt.Fprintf(os.Stderr, "startup: %v %v %s\n", err, err2, out)
				os.Exit(1)
			}
			up, down = append(up, u), append(down, d)
		}
		sort.Float64s(up)
		sort.Float64s(down)
		fmt.Printf("startup_ms %.1f teardown_ms %.1f (cold, median of %d; min %.1f / %.1f, max %.1f / %.1f)\n",
			up[len(up)/2], down[len(down)/2], reps, up[0], down[0], up[len(up)-1], down[len(down)-1])
		return
	}
	var up, down []float64
	for range reps {
		t0 := time.Now()
		tr, err := syscallstat.Attach(sleeper.Process.Pid, &syscallstat.Options{Backend: syscallstat.EBPF, Follow: true, CountsOnly: counts})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		t1 := time.Now()
		tr.Cancel(0)
		tr.Wait(context.Background())
		t2 := time.Now()
		up = append(up, t1.Sub(t0).Seconds()*1000)
		down = append(down, t2.Sub(t1).Seconds()*1000)
	}
	sort.Float64s(up)
	sort.Float64s(down)
	fmt.Printf("startup_ms %.1f teardown_ms %.1f (median of %d; min %.1f / %.1f, max %.1f / %.1f)\n",
		up[len(up)/2], down[len(down)/2], reps, up[0], down[0], up[len(up)-1], down[len(down)-1])
}

// hold keeps a reference to every matching program so that its statistics
// stay readable after its loader is gone.
func hold(prefixes []string) {
	held := map[ebpf.ProgramID]*ebpf.Program{}
	names := map[ebpf.ProgramID]string{}
	// Programs loaded before (another run's, still being freed) are not
	// this run's.
	old := map[ebpf.ProgramID]bool{}
	for id := ebpf.ProgramID(0); ; {
		next, err := ebpf.ProgramGetNextID(id)
		if err != nil {
			break
		}
		id, old[next] = next, true
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	fmt.Println("holding")
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			report(held, names)
			return
		case <-tick.C:
		}
		var id ebpf.ProgramID
		for {
			next, err := ebpf.ProgramGetNextID(id)
			if err != nil {
				break
			}
			id = next
			if held[id] != nil || old[id] {
				continue
			}
			p, err := ebpf.NewProgramFromID(id)
			if err != nil {
				continue
			}
			info, err := p.Info()
			if err == nil && slices.ContainsFunc(prefixes, func(s string) bool { return strings.HasPrefix(info.Name, s) }) {
				held[id], names[id] = p, info.Name
				continue
			}
			p.Close()
		}
	}
}

func report(held map[ebpf.ProgramID]*ebpf.Program, names map[ebpf.ProgramID]string) {
	ids := make([]ebpf.ProgramID, 0, len(held))
	for id := range held {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		st, err := held[id].Stats()
		if err != nil || st.RunCount == 0 {
			continue
		}
		fmt.Printf("  %-16s runs %10d  mean %6.1f ns  recursion misses %d\n", names[id], st.RunCount,
			float64(st.Runtime.Nanoseconds())/float64(st.RunCount), st.RecursionMisses)
		held[id].Close()
	}
}

// floor attaches empty programs to the raw syscall hooks (sys_exit, and
// sys_enter too with both), prints "attached" and waits for SIGINT or
// SIGTERM: the slowdown of a loop meanwhile is the floor of any program on
// those hooks, ours and the peer's alike.
func floor(both bool) error {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	hooks := []string{"sys_exit"}
	if both {
		hooks = append(hooks, "sys_enter")
	}
	for _, hook := range hooks {
		p, err := ebpf.NewProgram(&ebpf.ProgramSpec{
			Name: "floor_" + hook, Type: ebpf.RawTracepoint, License: "GPL",
			Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()},
		})
		if err != nil {
			return err
		}
		defer p.Close()
		l, err := link.AttachRawTracepoint(link.RawTracepointOptions{Name: hook, Program: p})
		if err != nil {
			return err
		}
		defer l.Close()
	}
	fmt.Println("attached")
	<-stop
	return nil
}
