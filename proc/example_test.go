package proc_test

import (
	"fmt"
	"log"
	"os"

	"github.com/procscope/procscope/proc"
)

func fixtureDir(name string) string { return "../internal/fixtures/testdata/" + name }

// Read a process's stat, here from a capture of a comm holding ')'.
func ExampleProcess_Stat() {
	f, err := proc.NewDir(fixtureDir("comm-paren"))
	if err != nil {
		log.Fatal(err)
	}
	st, err := f.Process(8026).Stat()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d %q %s ppid=%d threads=%d\n", st.PID, st.Comm, st.State, st.PPID, st.NumThreads)
	// Output: 8026 "x) (y z" sleeping ppid=7940 threads=1
}

// Tell a deleted binary from one that is really named "... (deleted)".
func ExampleProcess_Exe() {
	f, err := proc.NewDir(fixtureDir("deleted-exe"))
	if err != nil {
		log.Fatal(err)
	}
	for _, pid := range []int{8038, 8039} {
		exe, err := f.Process(pid).Exe()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s deleted=%v\n", exe.Path, exe.Deleted)
	}
	// Output:
	// /tmp/tmp.2jIZiLSyV6/gone-sleep deleted=true
	// /tmp/tmp.2jIZiLSyV6/live (deleted) deleted=false
}

// List every process of the live system with its threads.
func ExampleFS_All() {
	for p, err := range proc.Default().All() {
		if err != nil {
			log.Fatal(err)
		}
		st, err := p.Stat()
		if err != nil {
			continue // exited since the listing, or unreadable
		}
		fmt.Println(p.PID, st.Comm, st.NumThreads)
	}
}

// Read everything about one process; unreadable parts are named in Errors.
func ExampleProcess_Info() {
	info, err := proc.Default().Process(os.Getpid()).Info()
	if err != nil {
		log.Fatal(err) // the process does not exist
	}
	fmt.Println(info.Comm, info.Exe.Path, len(info.Tasks), len(info.Errors))
}

// Read the cgroups, namespaces, security label, limits and audit ids of a
// process, here from a capture of a process in its own cgroups and
// namespaces on a hybrid (v1 and v2) host without an LSM.
func ExampleProcess_Cgroup() {
	f, err := proc.NewDir(fixtureDir("readers"))
	if err != nil {
		log.Fatal(err)
	}
	p := f.Process(1588)
	cgs, err := p.Cgroup()
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range cgs {
		if c.V2() || c.Path != "/" {
			fmt.Println(c.HierarchyID, c.Controllers, c.Path, c.V2())
		}
	}
	net, err := p.Namespace("net")
	if err != nil {
		log.Fatal(err)
	}
	attr, err := p.Attr()
	if err != nil {
		log.Fatal(err)
	}
	limits, err := p.Limits()
	if err != nil {
		log.Fatal(err)
	}
	core := limits[proc.RLimitCore]
	login, _ := p.LoginUID()
	fmt.Println(net.Type, net.Inode, attr.LSM, core.Soft, core.Hard == proc.Unlimited, login)
	// Output:
	// 8 [pids] /procscope-fixture false
	// 4 [memory] /process_api/634f3df205fcefa0ce04165498c0dbf8 false
	// 0 [] /procscope-fixture true
	// net 4026532180 none 0 true 1000
}
