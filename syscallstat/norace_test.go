//go:build !race

package syscallstat_test

const raceEnabled = false
