//go:build linux

// Auditpop holds a population of container-like processes still for
// bench/audit.sh: C "containers", each a process in network, UTS, IPC and
// mount namespaces of its own placed in a kubelet-style cgroup (cgroupfs and
// systemd layouts alternating), with its children in the same namespaces
// and cgroup, N processes in all. One container in ten has a secret in its
// environment. It prints "ready" when all are up, and when its stdin closes
// it stops them all and removes the cgroups it made. It needs root.
//
//	auditpop [-c 300] [-n 2000]
package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "auditpop:", err)
		os.Exit(1)
	}
}

func run() error {
	c := flag.Int("c", 300, "containers")
	n := flag.Int("n", 2000, "processes in all")
	initK := flag.Int("init", 0, "internal: run as a container's init with this many processes in all")
	flag.Parse()
	if *initK > 0 {
		return runInit(*initK)
	}
	if *c <= 0 || *n < *c {
		return errors.New("want 0 < -c <= -n")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	hier, _ := filepath.Glob("/sys/fs/cgroup/*")
	type ctr struct {
		cmd   *exec.Cmd
		in    io.WriteCloser
		dirs  []string
		procs int
	}
	var ctrs []*ctr
	defer func() {
		for _, ct := range ctrs {
			ct.in.Close()
		}
		for _, ct := range ctrs {
			ct.cmd.Wait()
			for _, d := range ct.dirs {
				for ; strings.Count(d, "/") > 4; d = filepath.Dir(d) {
					syscall.Rmdir(d) // parents shared with other pods stay until empty
				}
			}
		}
	}()
	for i := range *c {
		k := *n / *c
		if i < *n%*c {
			k++
		}
		b := make([]byte, 48)
		rand.Read(b)
		h := hex.EncodeToString(b)
		uid := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
		id := h[32:96]
		path := "kubepods/burstable/pod" + uid + "/" + id
		if i%2 == 1 {
			path = "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + strings.ReplaceAll(uid, "-", "_") + ".slice/cri-containerd-" + id + ".scope"
		}
		cmd := exec.Command(self, "-init", strconv.Itoa(k))
		cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=/"}
		if i%10 == 0 {
			cmd.Env = append(cmd.Env, "DB_PASSWORD=river-frost-ember")
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET | syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC | syscall.CLONE_NEWNS}
		in, err := cmd.StdinPipe()
		if err != nil {
			return err
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("container %d: %w", i, err)
		}
		ct := &ctr{cmd: cmd, in: in, procs: k}
		ctrs = append(ctrs, ct)
		joined := 0
		for _, h := range hier {
			d := filepath.Join(h, path)
			if err := os.MkdirAll(d, 0o755); err != nil {
				continue
			}
			ct.dirs = append(ct.dirs, d)
			if os.WriteFile(filepath.Join(d, "cgroup.procs"), []byte(strconv.Itoa(cmd.Process.Pid)), 0) == nil {
				joined++
			}
		}
		if joined == 0 {
			return fmt.Errorf("container %d: no cgroup hierarchy took pid %d", i, cmd.Process.Pid)
		}
		slices.Reverse(ct.dirs)
		if _, err := io.WriteString(in, "go\n"); err != nil {
			return err
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || line != "ok\n" {
			return fmt.Errorf("container %d did not start: %q %v", i, line, err)
		}
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	return nil
}

// runInit waits for its cgroup, starts k-1 sleeping children in its
// namespaces and cgroup, and stops them when stdin closes.
func runInit(k int) error {
	r := bufio.NewReader(os.Stdin)
	if _, err := r.ReadString('\n'); err != nil {
		return err
	}
	var kids []*exec.Cmd
	for range k - 1 {
		cmd := exec.Command("sleep", "3600")
		if err := cmd.Start(); err != nil {
			return err
		}
		kids = append(kids, cmd)
	}
	fmt.Println("ok")
	io.Copy(io.Discard, r)
	for _, cmd := range kids {
		cmd.Process.Kill()
		cmd.Wait()
	}
	return nil
}
