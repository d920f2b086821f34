package environ_test

import (
	"encoding/json"
	"fmt"
	"os"

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

func ExampleEnv_Records() {
	env := environ.Parse([]byte("DB_PASSWORD=hunter22\x00BARE\x00N\xff=v\x00"))
	b, _ := json.Marshal(env.Records(nil))
	fmt.Println(string(b))
	// Output:
	// [{"name":"DB_PASSWORD","value":"\u003credacted:password\u003e","secret":true,"reason":"password"},{"name":"BARE","value":null,"secret":false,"reason":""},{"name":"N\ufffd","value":"v","secret":false,"reason":"","name_base64":"Tv8="}]
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
	res, err := environ.Scan(proc.Default(), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	for _, f := range res.Findings {
		fmt.Println(f.PID, f.Comm, f.Source, f.Name, f.Reason)
	}
	fmt.Printf("%d processes, %d unreadable\n", res.Processes, res.Unreadable)
}
