package fd

import (
	"strconv"
	"testing"
)

func TestFlagsString(t *testing.T) {
	tests := []struct {
		f    Flags
		want string
		mode AccessMode
	}{
		{0, "O_RDONLY", ReadOnly},
		{1 | O_APPEND | O_CLOEXEC, "O_WRONLY|O_APPEND|O_CLOEXEC", WriteOnly},
		{2 | O_NONBLOCK | O_LARGEFILE, "O_RDWR|O_NONBLOCK|O_LARGEFILE", ReadWrite},
		{O_SYNC, "O_RDONLY|O_SYNC", ReadOnly},
		{O_DSYNC, "O_RDONLY|O_DSYNC", ReadOnly},
		{O_TMPFILE | 2, "O_RDWR|O_TMPFILE", ReadWrite},
		{O_DIRECTORY | O_PATH, "O_RDONLY|O_DIRECTORY|O_PATH", ReadOnly},
		{3 | 0o40000000, "O_ACCMODE|040000000", NoAccess},
	}
	for _, tt := range tests {
		t.Run(strconv.FormatUint(uint64(tt.f), 8), func(t *testing.T) {
			if got := tt.f.String(); got != tt.want {
				t.Errorf("Flags(%#o).String() = %q, want %q", uint32(tt.f), got, tt.want)
			}
			if got := tt.f.AccessMode(); got != tt.mode {
				t.Errorf("AccessMode() = %v, want %v", got, tt.mode)
			}
		})
	}
}

// TestFlagsNamesLossless checks that the names of every single bit OR back
// to the value.
func TestFlagsNamesLossless(t *testing.T) {
	values := map[string]Flags{"O_RDONLY": 0, "O_WRONLY": 1, "O_RDWR": 2, "O_ACCMODE": 3}
	for _, n := range flagNames {
		values[n.name] = n.bit
	}
	for bit := range 32 {
		f := Flags(1)<<bit | 2
		var got Flags
		for _, name := range f.Names() {
			if v, ok := values[name]; ok {
				got |= v
				continue
			}
			v, err := strconv.ParseUint(name, 8, 32)
			if err != nil {
				t.Fatalf("%#o: name %q is neither known nor octal", uint32(f), name)
			}
			got |= Flags(v)
		}
		if got != f {
			t.Errorf("Names(%#o) = %v ORs to %#o", uint32(f), f.Names(), uint32(got))
		}
	}
}

func TestAccessModeString(t *testing.T) {
	for m, want := range map[AccessMode]string{ReadOnly: "r", WriteOnly: "w", ReadWrite: "u", NoAccess: "?", ModeUnknown: "", 7: "?"} {
		if got := m.String(); got != want {
			t.Errorf("AccessMode(%d).String() = %q, want %q", m, got, want)
		}
	}
}
