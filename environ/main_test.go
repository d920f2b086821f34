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

func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == helperArg {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}
	os.Exit(m.Run())
}
