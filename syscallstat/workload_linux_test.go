//go:build linux && (amd64 || arm64)

package syscallstat_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procscope/procscope/proctest"
	"github.com/procscope/procscope/syscallstat"
)

// The test binary doubles as the traced workloads: the helper "workload"
// (see proctest.RegisterHelper) runs the one named by its first argument
// instead of the tests. Each makes a known number of deliberate system
// calls (N, its second argument).

// workloadArgs are the arguments after the program name that run workload w
// with n.
func workloadArgs(w string, n int) []string {
	return proctest.HelperArgs("workload", w, strconv.Itoa(n))
}

func init() {
	if len(os.Args) > 2 && os.Args[1] == workloadArgs("", 0)[0] && os.Args[2] == "execthreadblocked" {
		// Keep the main goroutine on the leader thread.
		runtime.LockOSThread()
	}
	proctest.RegisterHelper("workload", func(args []string) int {
		n, _ := strconv.Atoi(args[1])
		return runWorkload(args[0], n)
	})
}

func TestMain(m *testing.M) { proctest.Main(m) }

// workloadCmd returns a command running workload w of the test binary.
func workloadCmd(t testing.TB, w string, n int, extraEnv ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, workloadArgs(w, n)...)
	if len(extraEnv) > 0 {
		cmd.Env = append(os.Environ(), extraEnv...)
	}
	return cmd
}

func runWorkload(w string, n int) int {
	switch w {
	case "getppid":
		for range n {
			syscall.Getppid()
		}
	case "openfail":
		for range n {
			syscall.Open("/nonexistent/syscallstat", syscall.O_RDONLY, 0)
		}
	case "write":
		f, err := os.OpenFile("/dev/null", os.O_WRONLY, 0)
		if err != nil {
			return 3
		}
		b := []byte{'x'}
		for range n {
			syscall.Write(int(f.Fd()), b)
		}
	case "threads":
		// Four threads, each locked, each making n getppid calls.
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				runtime.LockOSThread()
				for range n {
					syscall.Getppid()
				}
			}()
		}
		wg.Wait()
	case "forks":
		// n children (fork+exec of this binary: Go uses clone with
		// CLONE_VFORK), child i makes i+1 getppid calls and exits with
		// code i+1.
		for i := range n {
			exe, _ := os.Executable()
			c := exec.Command(exe, workloadArgs("exit", i+1)...)
			err := c.Run()
			if c.ProcessState == nil || c.ProcessState.ExitCode() != i+1 {
				fmt.Fprintf(os.Stderr, "child %d: %v\n", i, err)
				return 1
			}
		}
	case "exit":
		for range n {
			syscall.Getppid()
		}
		return n
	case "vforkexec":
		// os/exec forks with CLONE_VFORK and execs /bin/true.
		for range n {
			if err := exec.Command("/bin/true").Run(); err != nil {
				return 1
			}
		}
	case "signals":
		// n SIGUSR1 sent to itself one at a time; prints how many the
		// handler got.
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGUSR1)
		got := 0
		for range n {
			syscall.Kill(os.Getpid(), syscall.SIGUSR1)
			select {
			case <-ch:
				got++
			case <-time.After(5 * time.Second):
			}
		}
		fmt.Println(got)
	case "sigstop":
		// Stops itself; prints "resumed" after a SIGCONT. The SIGSTOP
		// goes to this very thread (tgkill), which takes it on the way
		// out of the call: a process-directed one may be taken by
		// another thread while this one prints and exits before the
		// stop (with a tracer, the stop only begins once the tracer
		// passes the signal on).
		runtime.LockOSThread()
		unix.Tgkill(os.Getpid(), unix.Gettid(), syscall.SIGSTOP)
		fmt.Println("resumed")
	case "getppidcheck":
		// One getppid, which must succeed (under a seccomp profile).
		if _, _, e := syscall.RawSyscall(syscall.SYS_GETPPID, 0, 0, 0); e != 0 {
			fmt.Printf("getppid: %v\n", e)
			return 3
		}
		fmt.Println("ok")
	case "attachas":
		// Attach to pid n (run as an unprivileged user by the test) and
		// report the error.
		_, err := syscallstat.Attach(n, nil)
		fmt.Printf("permission=%v gone=%v: %v\n", errors.Is(err, fs.ErrPermission), errors.Is(err, fs.ErrNotExist), err)
	case "exitcode":
		return 7
	case "killself":
		signal.Reset(syscall.SIGTERM)
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
		time.Sleep(10 * time.Second)
		return 1
	case "spin":
		// Two threads calling getppid and sleeping, until killed.
		for range 2 {
			go func() {
				runtime.LockOSThread()
				for {
					syscall.Getppid()
					time.Sleep(time.Millisecond)
				}
			}()
		}
		fmt.Println("ready")
		select {}
	case "spinsync":
		// As spin, but each of the two threads first makes n getppid
		// calls once a line comes on stdin and prints "done".
		start := make(chan struct{})
		for range 2 {
			go func() {
				runtime.LockOSThread()
				<-start
				for range n {
					syscall.Getppid()
				}
				fmt.Println("done")
				for {
					syscall.Getppid()
					time.Sleep(time.Millisecond)
				}
			}()
		}
		fmt.Println("ready")
		var b [1]byte
		os.Stdin.Read(b[:])
		close(start)
		select {}
	case "execthread":
		// A non-leader thread runs execve (of /bin/true).
		done := make(chan int)
		go func() {
			runtime.LockOSThread()
			for syscall.Gettid() == os.Getpid() {
				runtime.UnlockOSThread()
				runtime.Gosched()
				runtime.LockOSThread()
			}
			syscall.Exec("/bin/true", []string{"true"}, os.Environ())
			done <- 1
		}()
		<-done
		return 1
	case "spawner":
		// Threads are created (and end) in a loop, from two threads at
		// once: a thread seized while attaching may create one before
		// it stops.
		sem := make(chan struct{}, 32)
		for range 2 {
			go func() {
				for {
					sem <- struct{}{}
					go func() {
						// Locked and returning: a new thread
						// each time, living 5ms.
						runtime.LockOSThread()
						time.Sleep(5 * time.Millisecond)
						<-sem
					}()
				}
			}()
		}
		fmt.Println("ready")
		select {}
	case "orphan":
		// Starts the spin workload as a child, prints its pid and, with
		// n == 0, exits at once leaving it running; with n == 1 waits
		// for it.
		exe, _ := os.Executable()
		c := exec.Command(exe, workloadArgs("spin", 0)...)
		// Not a pipe read by this process: its "ready" would then
		// meet a closed pipe once this process has exited, and the
		// child die of SIGPIPE.
		c.Stdout = nil
		if err := c.Start(); err != nil {
			// Said on stdout, where the test reads the pid.
			fmt.Printf("error: %v\n", err)
			return 1
		}
		fmt.Println(c.Process.Pid)
		if n == 1 {
			c.Wait()
		}
	case "preempt":
		// Forces an asynchronous preemption: with one P, a goroutine
		// spins in a loop without calls until the main goroutine, whose
		// timer needs that P, has run; sysmon preempts the spinner
		// with a signal (SIGURG), whose handler returns through
		// rt_sigreturn.
		runtime.GOMAXPROCS(1)
		for range 5 {
			var stop atomic.Bool
			done := make(chan struct{})
			go func() {
				for !stop.Load() {
				}
				close(done)
			}()
			time.Sleep(time.Millisecond)
			stop.Store(true)
			<-done
		}
		fmt.Println("ok")
	case "execthreadblocked":
		// The leader (locked to main by init) is blocked in ppoll, a
		// call the Go runtime never makes, while another thread runs
		// execve of /bin/true: the ppoll never returns, so neither
		// strace nor we count it.
		go func() {
			runtime.LockOSThread()
			for syscall.Gettid() == os.Getpid() {
				runtime.UnlockOSThread()
				runtime.Gosched()
				runtime.LockOSThread()
			}
			time.Sleep(20 * time.Millisecond)
			syscall.Exec("/bin/true", []string{"true"}, os.Environ())
		}()
		unix.Ppoll(nil, nil, nil)
		return 1
	default:
		fmt.Fprintf(os.Stderr, "unknown workload %q\n", w)
		return 2
	}
	return 0
}
