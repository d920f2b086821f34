//go:build race

package syscallstat_test

// raceEnabled trims the slowest tests: every traced workload is a
// race-instrumented binary that takes a second to start under ptrace.
const raceEnabled = true
