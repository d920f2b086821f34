package proc

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseAttr(t *testing.T) {
	for _, tt := range []struct {
		in         string
		want       Attr
		unconfined bool
	}{
		{"unconfined\n", Attr{LSM: LSMAppArmor, Label: "unconfined", Profile: "unconfined"}, true},
		{"docker-default (enforce)\n", Attr{LSM: LSMAppArmor, Label: "docker-default (enforce)", Profile: "docker-default", Mode: "enforce"}, false},
		{"/usr/bin/a (b) (complain)\n", Attr{LSM: LSMAppArmor, Label: "/usr/bin/a (b) (complain)", Profile: "/usr/bin/a (b)", Mode: "complain"}, false},
		{"cri-containerd.apparmor.d (unconfined)\n", Attr{LSM: LSMAppArmor, Label: "cri-containerd.apparmor.d (unconfined)", Profile: "cri-containerd.apparmor.d", Mode: "unconfined"}, true},
		{"system_u:system_r:container_t:s0:c1,c2\x00", Attr{LSM: LSMSELinux, Label: "system_u:system_r:container_t:s0:c1,c2",
			Context: SELinuxContext{User: "system_u", Role: "system_r", Type: "container_t", Level: "s0:c1,c2"}}, false},
		{"unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023", Attr{LSM: LSMSELinux, Label: "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023",
			Context: SELinuxContext{User: "unconfined_u", Role: "unconfined_r", Type: "unconfined_t", Level: "s0-s0:c0.c1023"}}, true},
		{"u:r:t\n", Attr{LSM: LSMSELinux, Label: "u:r:t", Context: SELinuxContext{User: "u", Role: "r", Type: "t"}}, false},
		{"_\n", Attr{LSM: LSMUnknown, Label: "_"}, false},
		{"a (b c)\n", Attr{LSM: LSMUnknown, Label: "a (b c)"}, false},
		{"\xff\xfe (enforce)\n", Attr{LSM: LSMAppArmor, Label: "\xff\xfe (enforce)", Profile: "\xff\xfe", Mode: "enforce"}, false},
	} {
		got, err := ParseAttr([]byte(tt.in))
		if err != nil {
			t.Errorf("ParseAttr(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseAttr(%q) (-want +got):\n%s", tt.in, diff)
		}
		if got.Unconfined() != tt.unconfined {
			t.Errorf("ParseAttr(%q).Unconfined() = %v, want %v", tt.in, got.Unconfined(), tt.unconfined)
		}
	}
	if !(Attr{LSM: LSMNone}).Unconfined() {
		t.Error("Attr{LSM: LSMNone}.Unconfined() = false, want true")
	}
	for _, in := range []string{"", "\n", "\x00", "a\nb\n"} {
		if a, err := ParseAttr([]byte(in)); !errors.Is(err, ErrParse) || a != (Attr{}) {
			t.Errorf("ParseAttr(%q) = %+v, %v; want ErrParse", in, a, err)
		}
	}
}

func FuzzParseAttr(f *testing.F) {
	for _, s := range []string{"unconfined\n", "docker-default (enforce)\n", "system_u:system_r:init_t:s0\x00", "_\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ParseAttr(b)
		if err != nil && a != (Attr{}) {
			t.Fatalf("ParseAttr returned %+v with error %v", a, err)
		}
		if err == nil && (a.Label == "" || a.LSM == "" || a.LSM == LSMNone) {
			t.Fatalf("ParseAttr(%q) = %+v: a label without its module", b, a)
		}
	})
}
