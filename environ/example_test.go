package environ_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/procscope/procscope/environ"
	"github.com/procscope/procscope/proc"
)

func ExampleParse() {
	env := environ.Parse([]byte("HOME=/root\x00A=b=c\x00NOEQUALS\x00A=dup\x00"))
	for _, e := range env.Entries {
		fmt.Printf("%q %q no '=': %v\n", e.Name, e.Value, e.NoEquals)
	}
	v, _ := env.Lookup("A")
	fmt.Println("A is", v)
	fmt.Printf("%q\n", env.Bytes())
	// Output:
	// "HOME" "/root" no '=': false
	// "A" "b=c" no '=': false
	// "NOEQUALS" "" no '=': true
	// "A" "dup" no '=': false
	// A is b=c
	// "HOME=/root\x00A=b=c\x00NOEQUALS\x00A=dup\x00"
}

func ExampleRedact() {
	env := environ.Parse([]byte("HOME=/root\x00DB_PASSWORD=hunter22\x00"))
	for _, e := range env.Entries {
		fmt.Println(e) // an Entry prints redacted; e.Raw() reveals
	}
	// Output:
	// HOME=/root
	// DB_PASSWORD=<redacted:password>
}

func ExampleEnv_Secrets() {
	env := environ.Parse([]byte("HOME=/root\x00DB_PASSWORD=hunter22\x00BARE\x00"))
	for _, s := range env.Secrets() {
		fmt.Println(s.Index, s.Name, s.Reason) // a Secret carries no value
	}
	// Output:
	// 1 DB_PASSWORD password
}

func ExampleRead() {
	// A capture of a shell (internal/fixtures/testdata/shell).
	fsys, err := proc.NewDir("../internal/fixtures/testdata/shell")
	if err != nil {
		fmt.Println(err)
		return
	}
	env, err := environ.Read(fsys.Process(7967))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range env.Entries {
		fmt.Println(e)
	}
	// Output:
	// PATH=/usr/bin:/bin
	// HOME=/nonexistent
	// LANG=C.UTF-8
	// FIXTURE=1
}

func ExampleScan() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := environ.Scan(ctx, proc.Default(), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err) // cannot list, or ran out of time: res holds what was found
	}
	if res == nil {
		return
	}
	for _, f := range res.Findings {
		fmt.Println(f.PID, f.Comm, f.Source, f.Name, f.Reason)
	}
	unreadable := 0
	for _, f := range res.Failures {
		if !errors.Is(f, fs.ErrNotExist) { // a process that exited is no news
			fmt.Fprintln(os.Stderr, f)
			unreadable++
		}
	}
	fmt.Printf("%d processes, %d unreadable\n", res.Processes, unreadable)
}
