//go:build linux

package environ

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/procscope/procscope/proc"
)

// BenchmarkScan2000 starts 2 000 sleep(1) processes, each with a typical
// 40-entry environment holding two secrets, and times a whole-machine Scan.
// The processes are killed and reaped when the benchmark ends (and die with
// the test process through Pdeathsig if it is killed).
func BenchmarkScan2000(b *testing.B) {
	sleep := "/bin/sleep"
	if _, err := os.Stat(sleep); err != nil {
		b.Skip("no /bin/sleep")
	}
	const n = 2000
	env := []string{
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=/home/app", "LANG=C.UTF-8", "TERM=xterm-256color", "SHELL=/bin/bash",
		"DB_PASSWORD=Hu7xq2Lp!", "API_TOKEN=Zq81LmX0aT4vB7nC2kD9eF5g",
		"DATABASE_URL=postgres://db.internal:5432/app", "LOG_LEVEL=info",
	}
	for i := len(env); i < 40; i++ {
		env = append(env, fmt.Sprintf("APP_SETTING_%02d=value-%d-%s", i, i, "abcdefghijklmnop"))
	}
	procs := make([]*os.Process, 0, n)
	b.Cleanup(func() {
		for _, p := range procs {
			p.Kill()
		}
		for _, p := range procs {
			p.Wait()
		}
	})
	start := time.Now()
	for i := 0; i < n; i++ {
		p, err := os.StartProcess(sleep, []string{"sleep", "600"}, &os.ProcAttr{
			Env: env, Sys: &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL},
		})
		if err != nil {
			b.Fatalf("starting process %d: %v", i, err)
		}
		procs = append(procs, p)
	}
	b.Logf("started %d processes in %v", n, time.Since(start))
	f := proc.Default()
	b.ReportAllocs()
	b.ResetTimer()
	var res *ScanResult
	for b.Loop() {
		var err error
		if res, err = Scan(context.Background(), f, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if res.Processes < n {
		b.Fatalf("scanned %d processes, want at least %d", res.Processes, n)
	}
	b.ReportMetric(float64(res.Processes), "procs")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*res.Processes), "ns/proc")
	b.ReportMetric(float64(len(res.Findings)), "findings")
}
