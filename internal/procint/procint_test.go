package procint

import (
	"io/fs"
	"syscall"
	"testing"
)

// TestModeRoundTrip: RawMode undoes ModeFromStat for every file type and
// the set-id and sticky bits, as a capture needs to record a mode and give
// it back.
func TestModeRoundTrip(t *testing.T) {
	for _, typ := range []uint32{syscall.S_IFREG, syscall.S_IFDIR, syscall.S_IFLNK, syscall.S_IFIFO, syscall.S_IFSOCK, syscall.S_IFCHR, syscall.S_IFBLK} {
		for _, extra := range []uint32{0, syscall.S_ISUID, syscall.S_ISGID, syscall.S_ISVTX} {
			raw := typ | extra | 0o751
			m := ModeFromStat(raw)
			if m.Perm() != 0o751 {
				t.Errorf("ModeFromStat(%#o).Perm() = %v", raw, m.Perm())
			}
			if got := RawMode(m); got != raw {
				t.Errorf("RawMode(ModeFromStat(%#o) = %v) = %#o", raw, m, got)
			}
		}
	}
	if m := ModeFromStat(syscall.S_IFCHR | 0o666); m&fs.ModeCharDevice == 0 || m&fs.ModeDevice == 0 {
		t.Errorf("character device: %v", m)
	}
}
