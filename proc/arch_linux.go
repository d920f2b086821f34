//go:build linux

package proc

import "golang.org/x/sys/unix"

// unameMachine returns the running kernel's machine name ("x86_64"), or "".
func unameMachine() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Machine[:])
}
