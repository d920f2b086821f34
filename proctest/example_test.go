package proctest_test

import (
	"fmt"
	"net/netip"
	"os"

	"github.com/procscope/procscope/fd"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/proctest"
)

// A test builds the processes it needs and reads them as it would read the
// live /proc.
func ExampleTree() {
	tr := proctest.Tree{Processes: []proctest.Process{
		{PID: 1, Comm: "init"},
		{PID: 42, PPID: 1, Comm: "web (v2)", Exe: "/usr/bin/web", ExeDeleted: true,
			FDs: []proctest.FD{
				proctest.File(0, "/dev/null", os.O_RDONLY),
				proctest.TCP(3, netip.MustParseAddrPort("127.0.0.1:8080"), netip.AddrPort{}, proctest.TCPListen),
			}},
		{PID: 43, PPID: 1, State: proc.Zombie},
	}}
	m, err := tr.MapFS() // in a test: fsys := tr.FS(t), or tr.Dir(t) on disk
	if err != nil {
		panic(err)
	}
	fsys := proc.New(m)

	st, _ := fsys.Process(42).Stat()
	exe, _ := fsys.Process(42).Exe()
	fmt.Printf("%d %q parent %d, exe %s deleted=%v\n", st.PID, st.Comm, st.PPID, exe.Path, exe.Deleted)
	fds, _ := fd.List(fsys.Process(42), nil)
	for _, f := range fds {
		fmt.Println(f.FD, f.Name())
	}
	z, _ := fsys.Process(43).Stat()
	fmt.Println(z.State)
	// Output:
	// 42 "web (v2)" parent 1, exe /usr/bin/web deleted=true
	// 0 /dev/null
	// 3 TCP 127.0.0.1:8080 (LISTEN)
	// zombie
}

// A package whose tests start helper processes registers them and lets
// proctest.Main dispatch.
func ExampleRegisterHelper() {
	proctest.RegisterHelper("sleeper", func(args []string) int {
		fmt.Println(proctest.Ready)
		proctest.WaitStdin() // until the test ends
		return 0
	})
	// In TestMain:          proctest.Main(m)
	// In a test:            c := proctest.StartHelper(t, proctest.HelperCommand(t, "sleeper"))
	// and then read it:     proc.Default().Process(c.PID)
}
