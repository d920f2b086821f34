package proc

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestParseNamespace(t *testing.T) {
	typ, ino, err := ParseNamespace("pid:[4026531836]")
	if err != nil || typ != "pid" || ino != 4026531836 {
		t.Errorf("ParseNamespace = %q %d %v; want pid 4026531836", typ, ino, err)
	}
	for _, in := range []string{"", "pid", "pid:[]", "pid:[x]", ":[1]", "pid:[1", "pid:[-1]", "pid:[99999999999999999999999]", "/usr/bin/x"} {
		if typ, ino, err := ParseNamespace(in); !errors.Is(err, ErrParse) || typ != "" || ino != 0 {
			t.Errorf("ParseNamespace(%q) = %q %d %v; want ErrParse", in, typ, ino, err)
		}
	}
}

func TestNamespacesMapFS(t *testing.T) {
	link := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s), Mode: fs.ModeSymlink | 0o777} }
	fsys := New(fstest.MapFS{
		"7/stat":                link("unused"),
		"7/ns/net":              link("net:[4026531833]"),
		"7/ns/pid":              link("pid:[4026531836]"),
		"7/ns/pid_for_children": link("pid:[4026532001]"),
		"7/ns/user":             link("garbage"),
		"8/ns":                  &fstest.MapFile{Mode: fs.ModeDir | 0o555},
	})
	got, err := fsys.Process(7).Namespaces()
	want := []Namespace{
		{Name: "net", Type: "net", Inode: 4026531833},
		{Name: "pid", Type: "pid", Inode: 4026531836},
		{Name: "pid_for_children", Type: "pid", Inode: 4026532001},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Namespaces (-want +got):\n%s", diff)
	}
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Path != "7/ns/user" || pe.Value != "garbage" {
		t.Errorf("Namespaces error = %v; want a ParseError naming 7/ns/user and its text", err)
	}
	if ns, err := fsys.Process(7).Namespace("net"); err != nil || ns != want[0] {
		t.Errorf("Namespace(net) = %+v, %v; want %+v", ns, err, want[0])
	}
	if got, err := fsys.Process(8).Namespaces(); err != nil || len(got) != 0 {
		t.Errorf("Namespaces of an empty ns dir = %v, %v; want none, no error", got, err)
	}
	if _, err := fsys.Process(9).Namespaces(); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Namespaces of a missing pid: %v; want fs.ErrNotExist", err)
	}
}

func FuzzParseNamespace(f *testing.F) {
	for _, s := range []string{"net:[4026531833]", "pid_for_children:[1]", "mnt:[", "x:[1]]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		typ, ino, err := ParseNamespace(s)
		if err != nil && (typ != "" || ino != 0) {
			t.Fatalf("ParseNamespace(%q) = %q %d with error %v", s, typ, ino, err)
		}
		if err == nil && (typ == "" || !strings.HasPrefix(s, typ+":[")) {
			t.Fatalf("ParseNamespace(%q) = %q %d: type is not the text before \":[\"", s, typ, ino)
		}
	})
}
