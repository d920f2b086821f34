package proc

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestMkdevMatchesUnix(t *testing.T) {
	for _, d := range [][2]uint32{{0, 0}, {8, 1}, {0x123, 0x45678}, {0xfffff, 0xfffff}, {259, 3}, {259, 65537}} {
		if got, want := mkdev(d[0], d[1]), unix.Mkdev(d[0], d[1]); got != want {
			t.Errorf("mkdev(%#x, %#x) = %#x, unix.Mkdev %#x", d[0], d[1], got, want)
		}
	}
}
