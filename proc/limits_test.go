package proc

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const limitsHeader = "Limit                     Soft Limit           Hard Limit           Units     \n"

func TestParseLimits(t *testing.T) {
	in := limitsHeader +
		"Max cpu time              unlimited            unlimited            seconds   \n" +
		"Max open files            1024                 18446744073709551614 files     \n" +
		"Max nice priority         0                    0                    \n" +
		"Max new thing in 2030     7                    unlimited            widgets   \n"
	want := []Limit{
		{Resource: RLimitCPU, Name: "Max cpu time", Soft: Unlimited, Hard: Unlimited, Unit: "seconds"},
		{Resource: RLimitNoFile, Name: "Max open files", Soft: 1024, Hard: Unlimited - 1, Unit: "files"},
		{Resource: RLimitNice, Name: "Max nice priority", Soft: 0, Hard: 0},
		{Resource: ResourceUnknown, Name: "Max new thing in 2030", Soft: 7, Hard: Unlimited, Unit: "widgets"},
	}
	got, err := ParseLimits([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseLimits (-want +got):\n%s", diff)
	}
	if RLimitNoFile.String() != "NOFILE" || RLimitRTTime.String() != "RTTIME" || ResourceUnknown.String() != "Resource(-1)" {
		t.Errorf("Resource names: %s %s %s", RLimitNoFile, RLimitRTTime, ResourceUnknown)
	}
	bad := []struct{ name, in, field string }{
		{"empty", "", "header"},
		{"no header", "Max cpu time              unlimited            unlimited            seconds   \n", "header"},
		{"short name", limitsHeader + "Max cpu time unlimited unlimited seconds\n", "line 2: name"},
		{"bad soft", limitsHeader + "Max cpu time              -1                   unlimited            seconds   \n", "line 2: soft limit"},
		{"no hard", limitsHeader + "Max cpu time              1                    \n", "line 2: hard limit"},
		{"extra field", limitsHeader + "Max cpu time              1                    2                    s x\n", "line 2: units"},
		{"truncated", limitsHeader + "Max cpu time              1                    2", "line 2: line"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLimits([]byte(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Field != tt.field || got != nil {
				t.Errorf("ParseLimits(%q) = %v, %v; want nil and a ParseError for %q", tt.in, got, err, tt.field)
			}
		})
	}
}

func FuzzParseLimits(f *testing.F) {
	for _, b := range fixtureFiles(f, "limits") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ls, err := ParseLimits(b)
		if err != nil && ls != nil {
			t.Fatalf("ParseLimits returned %v with error %v", ls, err)
		}
	})
}
