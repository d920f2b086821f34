package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// NewFlagSet returns a flag set for the program name that reports a bad
// flag on stderr instead of exiting. Its usage message is the synopsis
// lines, which name the arguments (such as "pstree [-U] [PID]"), followed by
// the flags and their help.
func NewFlagSet(name string, stderr io.Writer, synopsis ...string) *flag.FlagSet {
	fl := flag.NewFlagSet(name, flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { writeUsage(fl.Output(), fl, synopsis) }
	return fl
}

func writeUsage(w io.Writer, fl *flag.FlagSet, synopsis []string) {
	if len(synopsis) == 0 {
		synopsis = []string{fl.Name()}
	}
	var b strings.Builder
	for i, s := range synopsis {
		if i == 0 {
			b.WriteString("usage: ")
		} else {
			b.WriteString("       ")
		}
		b.WriteString(s)
		b.WriteByte('\n')
	}
	io.WriteString(w, b.String())
	out := fl.Output()
	fl.SetOutput(w)
	fl.PrintDefaults()
	fl.SetOutput(out)
}

// Parse parses args with fl. When they ask for help (-h, -help or --help,
// before any argument that is not a flag) it writes the usage message to
// stdout and returns [flag.ErrHelp], which [Exit] turns into status 0, as
// the users of the flag package expect. For a bad flag it returns the flag
// package's error after printing the usage message on fl's output (stderr).
//
// One-letter boolean flags may be grouped as the tools the examples mirror
// accept them: "-pA" is "-p -A" when fl has no flag named "pA" and each
// letter is a boolean flag.
func Parse(fl *flag.FlagSet, args []string, stdout io.Writer) error {
	usage := fl.Usage
	helped := false
	fl.Usage = func() { helped = true }
	err := fl.Parse(splitGroups(fl, args))
	fl.Usage = usage
	switch {
	case errors.Is(err, flag.ErrHelp):
		out := fl.Output()
		fl.SetOutput(stdout)
		fl.Usage()
		fl.SetOutput(out)
		return flag.ErrHelp
	case err != nil:
		if helped {
			fl.Usage()
		}
		return err
	}
	return nil
}

// splitGroups returns args with each group of one-letter boolean flags
// ("-pA") split into single flags, up to the first argument that is not a
// flag or "--", as the flag package stops there.
func splitGroups(fl *flag.FlagSet, args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || len(a) < 2 || a[0] != '-' {
			return append(out, args[i:]...)
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if f := fl.Lookup(name); f != nil {
			out = append(out, a)
			if !hasValue && !isBool(f) && i+1 < len(args) {
				i++
				out = append(out, args[i])
			}
			continue
		}
		if group := a[1:]; a[1] != '-' && !hasValue && len(group) > 1 && allBoolLetters(fl, group) {
			for _, c := range group {
				out = append(out, "-"+string(c))
			}
			continue
		}
		out = append(out, a) // the flag package reports it
	}
	return out
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func allBoolLetters(fl *flag.FlagSet, group string) bool {
	for _, c := range group {
		f := fl.Lookup(string(c))
		if f == nil || !isBool(f) {
			return false
		}
	}
	return true
}

// Exit ends the program name with the outcome of its run: status 0 when err
// is nil or [flag.ErrHelp] (the usage message asked for has been printed),
// else status 1 after printing "name: err" on stderr.
func Exit(name string, err error) {
	os.Exit(exitCode(os.Stderr, name, err))
}

func exitCode(stderr io.Writer, name string, err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintf(stderr, "%s: %s\n", name, Escape(err.Error()))
	return 1
}
