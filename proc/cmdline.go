package proc

import "strings"

// procfs's CmdLine trims every trailing NUL, so a final empty argument is
// lost; ParseCmdline removes only the terminator.

// ParseCmdline splits the content of /proc/PID/cmdline into arguments.
//
// The kernel writes each argument followed by a NUL. Exactly one trailing NUL
// is removed before splitting, so empty arguments survive, and every byte of
// every argument is kept as it is (no UTF-8 assumption). A process that
// rewrote its argument area into one string without NULs (setproctitle style)
// yields that one string. Kernel threads and zombies have an empty cmdline:
// the result is then an empty, non-nil slice.
func ParseCmdline(b []byte) []string {
	if len(b) == 0 {
		return []string{}
	}
	s := string(b)
	s = strings.TrimSuffix(s, "\x00")
	return strings.Split(s, "\x00")
}
