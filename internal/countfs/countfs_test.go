package countfs

import (
	"io/fs"
	"testing"
	"testing/fstest"
)

func TestCounts(t *testing.T) {
	c := New(fstest.MapFS{"1/stat": {}, "2/stat": {}, "self": {}})
	var hooked []int
	c.Hook = func(pid int) { hooked = append(hooked, pid) }
	fs.ReadDir(c, ".")
	fs.ReadFile(c, "1/stat")
	fs.ReadFile(c, "1/stat")
	fs.ReadFile(c, "2/stat")
	fs.ReadFile(c, "self")
	if got := c.Opens(); got[1] != 2 || got[2] != 1 || len(got) != 2 {
		t.Errorf("Opens() = %v; want 1:2 2:1", got)
	}
	if c.Listed() != 1 || len(hooked) != 3 {
		t.Errorf("Listed() = %d, hook called for %v; want 1 and three opens", c.Listed(), hooked)
	}
}
