package environ

import (
	"io"
	"os"
	"testing"
)

// helperArg as os.Args[1] turns the test binary into a child that lives
// until its stdin closes. Dispatching on an argument rather than on an
// environment variable lets tests start it with an empty environment.
const helperArg = "environ-test-helper"

// scanArg as os.Args[1] makes the test binary run Scan on /proc, and
// Read of the pid in os.Args[2], and print what it saw (used to run them as
// an unprivileged user).
const scanArg = "environ-test-scan"

func TestMain(m *testing.M) {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case helperArg:
			io.Copy(io.Discard, os.Stdin)
			os.Exit(0)
		case scanArg:
			os.Exit(scanHelper(os.Args[2:]))
		}
	}
	os.Exit(m.Run())
}
