// Package clitest checks the command-line behaviour that every example
// program shares, by building the program and running it.
package clitest

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Build builds the program in the current directory (the package under
// test) into a temporary directory and returns its path.
func Build(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not installed")
	}
	bin := filepath.Join(t.TempDir(), "prog")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Help runs the program with -h, -help and --help and checks that each
// exits 0 with nothing on stderr and a usage message on stdout that starts
// with "usage: " and holds every string in want (such as "PID").
func Help(t *testing.T, want ...string) {
	t.Helper()
	bin := Build(t)
	for _, arg := range []string{"-h", "-help", "--help"} {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, arg)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if err != nil || stderr.Len() != 0 {
			t.Errorf("%s: %v, stderr %q; want exit 0 and nothing on stderr", arg, err, stderr.String())
		}
		out := stdout.String()
		if !strings.HasPrefix(out, "usage: ") {
			t.Errorf("%s: stdout %q; want a usage message", arg, out)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: usage %q does not name %q", arg, out, w)
			}
		}
	}
}
