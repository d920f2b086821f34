//go:build linux

// Treepop holds a process population still for bench/tree.sh: N
// multi-threaded processes (this program re-executed, each with extra
// threads), each the parent of M single-threaded sleeps named through
// symlinks. It prints "ready" when all are up and stops them all when its
// stdin closes.
//
//	treepop [-n 200] [-m 9] [-threads 2] [-ties]
//
// With -ties all the sleeps share one name, so that every one of them ties
// with its siblings (pstree then orders them by owner, which costs the tree
// package one statx each).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "treepop:", err)
		os.Exit(1)
	}
}

func run() error {
	n := flag.Int("n", 200, "multi-threaded processes")
	m := flag.Int("m", 9, "single-threaded children of each")
	threads := flag.Int("threads", 2, "extra threads in each multi-threaded process")
	ties := flag.Bool("ties", false, "give all single-threaded children the same name")
	child := flag.String("child", "", "internal: run as a multi-threaded child with this comm, exec'ing the given sleeps")
	flag.Parse()
	if *child != "" {
		return runChild(*child, *threads, flag.Args())
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "treepop-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var names []string
	for i := range *m {
		name := filepath.Join(dir, "worker-"+strconv.Itoa(i))
		if *ties {
			name = filepath.Join(dir, "worker")
			if i > 0 {
				names = append(names, name)
				continue
			}
		}
		if err := os.Symlink(sleep, name); err != nil {
			return err
		}
		names = append(names, name)
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var stdins []io.WriteCloser
	var cmds []*exec.Cmd
	stop := func() {
		for _, s := range stdins {
			s.Close()
		}
		for _, c := range cmds {
			c.Wait()
		}
	}
	defer stop()
	for i := range *n {
		args := append([]string{"-child", fmt.Sprintf("svc-%03d", i), "-threads", strconv.Itoa(*threads)}, names...)
		c := exec.Command(exe, args...)
		c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		c.Stderr = os.Stderr
		in, err := c.StdinPipe()
		if err != nil {
			return err
		}
		out, err := c.StdoutPipe()
		if err != nil {
			return err
		}
		if err := c.Start(); err != nil {
			return err
		}
		stdins, cmds = append(stdins, in), append(cmds, c)
		if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
			return fmt.Errorf("child %d: no ready line", i)
		}
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	return nil
}

func runChild(comm string, threads int, sleeps []string) error {
	if err := os.WriteFile("/proc/self/comm", []byte(comm), 0); err != nil {
		return err
	}
	for range threads {
		started := make(chan struct{})
		go func() {
			runtime.LockOSThread()
			close(started)
			select {}
		}()
		<-started
	}
	var cmds []*exec.Cmd
	for _, s := range sleeps {
		c := exec.Command(s, "600")
		c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := c.Start(); err != nil {
			return err
		}
		cmds = append(cmds, c)
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	var wg sync.WaitGroup
	for _, c := range cmds {
		c.Process.Kill()
		wg.Go(func() { c.Wait() })
	}
	wg.Wait()
	return nil
}
