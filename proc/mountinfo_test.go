package proc

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseMountInfo(t *testing.T) {
	in := "22 1 8:1 / / rw,relatime shared:1 master:2 - ext4 /dev/sda1 rw,errors=remount-ro\n" +
		"30 22 0:5 /sub\\134dir /mnt/a\\040b\\011c\\012d rw - tmpfs my\\040src rw,size=10k,x=a\\054b\n" +
		"31 22 259:65537 / /x\\777y\\4z\\ rw - fuse.sshfs h:/ rw\n"
	want := []Mount{
		{ID: 22, ParentID: 1, Major: 8, Minor: 1, Root: "/", MountPoint: "/", Options: []string{"rw", "relatime"},
			Optional: []string{"shared:1", "master:2"}, FSType: "ext4", Source: "/dev/sda1", SuperOptions: []string{"rw", "errors=remount-ro"}},
		{ID: 30, ParentID: 22, Major: 0, Minor: 5, Root: "/sub\\dir", MountPoint: "/mnt/a b\tc\nd", Options: []string{"rw"},
			FSType: "tmpfs", Source: "my src", SuperOptions: []string{"rw", "size=10k", "x=a,b"}},
		// Not escapes: \777 is out of a byte's range, \4z and a final \
		// are not three octal digits; they stay as they are.
		{ID: 31, ParentID: 22, Major: 259, Minor: 65537, Root: "/", MountPoint: "/x\\777y\\4z\\", Options: []string{"rw"},
			FSType: "fuse.sshfs", Source: "h:/", SuperOptions: []string{"rw"}},
	}
	got, err := ParseMountInfo([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseMountInfo (-want +got):\n%s", diff)
	}
	if d := got[2].Dev(); d != 0x10010301 {
		t.Errorf("Dev(259:65537) = %#x, want 0x10010301 (unix.Mkdev)", d)
	}
	if got := mkdev(0x123, 0x45678); got != 0x45612378 {
		t.Errorf("mkdev(0x123, 0x45678) = %#x, want 0x45612378", got)
	}
	bad := []struct{ name, in, field string }{
		{"no newline", "22 1 8:1 / / rw - ext4 x rw", "line 1: line"},
		{"bad id", "22 1 8:1 / / rw - ext4 x rw\nx 1 8:1 / / rw - ext4 x rw\n", "line 2: mount ID"},
		{"bad dev", "22 1 81 / / rw - ext4 x rw\n", "line 1: major:minor"},
		{"no separator", "22 1 8:1 / / rw shared:1\n", "line 1: separator"},
		{"no super options", "22 1 8:1 / / rw - ext4 x\n", "line 1: super options"},
		{"truncated", "22 1 8:1 /\n", "line 1: mount point"},
		{"empty line", "\n", "line 1: mount ID"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMountInfo([]byte(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Field != tt.field || got != nil {
				t.Errorf("ParseMountInfo(%q) = %v, %v; want nil and a ParseError for %q", tt.in, got, err, tt.field)
			}
		})
	}
}

func FuzzParseMountInfo(f *testing.F) {
	for _, b := range fixtureFiles(f, "mountinfo") {
		f.Add(b)
	}
	seeds, _ := filepath.Glob("../fd/testdata/mountinfo")
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, err := ParseMountInfo(b)
		if err != nil && ms != nil {
			t.Fatalf("ParseMountInfo returned %d mounts with error %v", len(ms), err)
		}
		if err == nil && len(ms) != strings.Count(string(b), "\n") {
			t.Fatalf("ParseMountInfo gave %d mounts for %d lines", len(ms), strings.Count(string(b), "\n"))
		}
	})
}
