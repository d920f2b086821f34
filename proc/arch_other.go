//go:build !linux

package proc

// unameMachine returns ""; off Linux there is no proc file system to read
// live, and the architecture is the program's.
func unameMachine() string { return "" }
