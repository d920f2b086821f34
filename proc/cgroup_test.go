package proc

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseCgroup(t *testing.T) {
	// A hybrid host (this project's CI machine): v1 hierarchies, a named
	// one, and the v2 line; plus a path with a colon, a path outside the
	// reader's cgroup namespace and a removed v2 cgroup.
	in := "9:name=systemd:/\n4:memory:/process_api/634f\n2:cpu,cpuacct:/a:b c\n1:net_cls,net_prio:/../x\n0::/gone (deleted)\n"
	want := []Cgroup{
		{HierarchyID: 9, Controllers: []string{"name=systemd"}, Path: "/"},
		{HierarchyID: 4, Controllers: []string{"memory"}, Path: "/process_api/634f"},
		{HierarchyID: 2, Controllers: []string{"cpu", "cpuacct"}, Path: "/a:b c"},
		{HierarchyID: 1, Controllers: []string{"net_cls", "net_prio"}, Path: "/../x"},
		{HierarchyID: 0, Path: "/gone", Deleted: true},
	}
	got, err := ParseCgroup([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseCgroup (-want +got):\n%s", diff)
	}
	if !got[4].V2() || got[0].V2() || got[0].Name() != "systemd" || got[1].Name() != "" {
		t.Errorf("V2/Name wrong: %v %v %q %q", got[4].V2(), got[0].V2(), got[0].Name(), got[1].Name())
	}
	// A v1 path is never marked deleted: " (deleted)" is its real name.
	if got, _ := ParseCgroup([]byte("3:pids:/x (deleted)\n")); got[0].Path != "/x (deleted)" || got[0].Deleted {
		t.Errorf("v1 path = %+v; want the suffix kept", got[0])
	}
	if got, err := ParseCgroup(nil); err != nil || len(got) != 0 {
		t.Errorf("ParseCgroup(empty) = %v, %v; want no lines", got, err)
	}
	bad := []struct{ name, in, field string }{
		{"no newline", "0::/", "line 1: line"},
		{"one colon", "0:/\n", "line 1: line"},
		{"bad id", "x::/\n", "line 1: hierarchy ID"},
		{"negative id", "-1::/\n", "line 1: hierarchy ID"},
		{"relative path", "0::\n", "line 1: path"},
		{"v1 without controllers", "0::/\n3::/\n", "line 2: controllers"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCgroup([]byte(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Field != tt.field || got != nil {
				t.Errorf("ParseCgroup(%q) = %v, %v; want nil and a ParseError for %q", tt.in, got, err, tt.field)
			}
		})
	}
}

func FuzzParseCgroup(f *testing.F) {
	for _, b := range fixtureFiles(f, "cgroup") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cgs, err := ParseCgroup(b)
		if err != nil && cgs != nil {
			t.Fatalf("ParseCgroup returned %v with error %v", cgs, err)
		}
		for _, c := range cgs {
			if c.Path == "" || c.Path[0] != '/' {
				t.Fatalf("ParseCgroup gave path %q", c.Path)
			}
		}
	})
}
