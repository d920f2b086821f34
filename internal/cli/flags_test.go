package cli

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/procscope/procscope/proctest"
)

func TestParseHelp(t *testing.T) {
	for _, arg := range []string{"-h", "-help", "--help"} {
		t.Run(arg, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			fl := NewFlagSet("prog", &stderr, "prog [-x] PID", "prog -all")
			fl.Bool("x", false, "the x flag")
			err := Parse(fl, []string{arg, "1"}, &stdout)
			if !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("Parse(%s) = %v, want flag.ErrHelp", arg, err)
			}
			want := "usage: prog [-x] PID\n       prog -all\n  -x\tthe x flag\n"
			if stdout.String() != want || stderr.Len() != 0 {
				t.Errorf("Parse(%s): stdout %q, stderr %q; want stdout %q and nothing on stderr", arg, stdout.String(), stderr.String(), want)
			}
		})
	}
}

func TestParseBadFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	fl := NewFlagSet("prog", &stderr, "prog PID")
	err := Parse(fl, []string{"-nosuch"}, &stdout)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		t.Fatalf("Parse(-nosuch) = %v, want an error other than flag.ErrHelp", err)
	}
	if stdout.Len() != 0 || !strings.Contains(stderr.String(), "-nosuch") || !strings.Contains(stderr.String(), "usage: prog PID\n") {
		t.Errorf("Parse(-nosuch): stdout %q, stderr %q; want the error and the usage on stderr only", stdout.String(), stderr.String())
	}
	fl = NewFlagSet("prog", &stderr, "prog PID")
	if err := Parse(fl, []string{"--", "-h"}, &stdout); err != nil || fl.Arg(0) != "-h" {
		t.Errorf("Parse(-- -h) = %v, args %q; want -h taken as an argument", err, fl.Args())
	}
}

// The helper "exit" (see proctest.RegisterHelper) calls Exit as its first
// argument says: help, ok or fail.
func init() {
	proctest.RegisterHelper("exit", func(args []string) int {
		switch args[0] {
		case "help":
			Exit("prog", flag.ErrHelp)
		case "fail":
			Exit("prog", errors.New("it broke"))
		case "ok":
			Exit("prog", nil)
		}
		return 2
	})
}

func TestMain(m *testing.M) { proctest.Main(m) }

// TestExit runs Exit in a child (this test binary) and checks the status
// and the message: 0 for help and success, 1 with "name: err" otherwise.
func TestExit(t *testing.T) {
	for _, tt := range []struct {
		mode, stderr string
		code         int
	}{
		{"help", "", 0},
		{"ok", "", 0},
		{"fail", "prog: it broke\n", 1},
	} {
		cmd := proctest.HelperCommand(t, "exit", tt.mode)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); cmd.ProcessState == nil {
			t.Fatalf("%s: %v", tt.mode, err)
		}
		code := cmd.ProcessState.ExitCode()
		if code != tt.code || stderr.String() != tt.stderr {
			t.Errorf("Exit(%s): status %d, stderr %q; want %d, %q", tt.mode, code, stderr.String(), tt.code, tt.stderr)
		}
	}
}

// TestParseGroups: grouped one-letter boolean flags are split as pstree and
// lsof accept them; anything else is left to the flag package.
func TestParseGroups(t *testing.T) {
	for _, tt := range []struct {
		args     []string
		p, a, pa bool
		root     string
		rest     []string
		wantErr  bool
	}{
		{args: []string{"-pA", "12"}, p: true, a: true, rest: []string{"12"}},
		{args: []string{"-Ap", "-root", "-pA", "12"}, p: true, a: true, root: "-pA", rest: []string{"12"}},
		{args: []string{"-pa"}, pa: true},
		{args: []string{"-pA=true"}, wantErr: true},
		{args: []string{"-pX"}, wantErr: true},
		{args: []string{"-pr"}, wantErr: true}, // r is not a boolean flag
		{args: []string{"12", "-pA"}, rest: []string{"12", "-pA"}},
		{args: []string{"--", "-pA"}, rest: []string{"-pA"}},
	} {
		var stdout, stderr bytes.Buffer
		fl := NewFlagSet("prog", &stderr, "prog PID")
		p := fl.Bool("p", false, "")
		a := fl.Bool("A", false, "")
		pa := fl.Bool("pa", false, "")
		root := fl.String("root", "", "")
		fl.String("r", "", "")
		err := Parse(fl, tt.args, &stdout)
		if (err != nil) != tt.wantErr {
			t.Errorf("Parse(%q) = %v, want error %v", tt.args, err, tt.wantErr)
			continue
		}
		if tt.wantErr {
			continue
		}
		rest := fl.Args()
		if *p != tt.p || *a != tt.a || *pa != tt.pa || *root != tt.root || strings.Join(rest, " ") != strings.Join(tt.rest, " ") {
			t.Errorf("Parse(%q): p %v A %v pa %v root %q args %q; want %v %v %v %q %q", tt.args, *p, *a, *pa, *root, rest, tt.p, tt.a, tt.pa, tt.root, tt.rest)
		}
	}
}
