package fd

import (
	"fmt"
	"math/bits"
	"runtime"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/procscope/procscope/proc"
)

// The four bits the architectures number differently, as each kernel
// prints them (octal in fdinfo).
const bit40000, bit100000, bit200000, bit400000 = 0o40000, 0o100000, 0o200000, 0o400000

// TestListDecodesByCaptureArch: an fdinfo printed by an arm64 kernel names
// its flags as arm64 numbers them, whatever this program is built for: the
// same bits in an amd64 capture name other flags. A capture that recorded no
// architecture is read as this program's (the documented fallback).
func TestListDecodesByCaptureArch(t *testing.T) {
	tree := func(arch string) *proc.FS {
		m := fstest.MapFS{
			"1/fd/3":     link("/data/db", 0o600),
			"1/fd/4":     link("/data", 0o400),
			"1/fdinfo/3": {Data: []byte(fmt.Sprintf("pos:\t0\nflags:\t0%o\nmnt_id:\t1\nino:\t7\n", 0o2|bit200000|bit400000|0o2000000))},
			"1/fdinfo/4": {Data: []byte(fmt.Sprintf("pos:\t0\nflags:\t0%o\nmnt_id:\t1\nino:\t8\n", bit40000|bit100000|bit400000))},
		}
		if arch != "none" {
			m[proc.CaptureFile] = &fstest.MapFile{Data: []byte(`{"time":"2026-01-01T00:00:00Z","arch":"` + arch + `","pids":[1]}`)}
		}
		return proc.New(m)
	}
	tests := []struct {
		arch   string
		fd3    []string // names of fd 3's flags
		fd4    []string
		arches []string // GOARCHes the expectation holds on ("" for all)
	}{
		{arch: "arm64",
			fd3: []string{"O_RDWR", "O_DIRECT", "O_LARGEFILE", "O_CLOEXEC"},
			fd4: []string{"O_RDONLY", "O_LARGEFILE", "O_DIRECTORY", "O_NOFOLLOW"}},
		{arch: "amd64",
			fd3: []string{"O_RDWR", "O_DIRECTORY", "O_NOFOLLOW", "O_CLOEXEC"},
			fd4: []string{"O_RDONLY", "O_DIRECT", "O_LARGEFILE", "O_NOFOLLOW"}},
		{arch: "ppc64le",
			fd3: []string{"O_RDWR", "O_DIRECT", "O_LARGEFILE", "O_CLOEXEC"},
			fd4: []string{"O_RDONLY", "O_DIRECT", "O_DIRECTORY", "O_NOFOLLOW"}},
		// No recorded architecture: this program's numbers.
		{arch: "none", arches: []string{"amd64"},
			fd3: []string{"O_RDWR", "O_DIRECTORY", "O_NOFOLLOW", "O_CLOEXEC"},
			fd4: []string{"O_RDONLY", "O_DIRECT", "O_LARGEFILE", "O_NOFOLLOW"}},
		{arch: "none", arches: []string{"arm64"},
			fd3: []string{"O_RDWR", "O_DIRECT", "O_LARGEFILE", "O_CLOEXEC"},
			fd4: []string{"O_RDONLY", "O_LARGEFILE", "O_DIRECTORY", "O_NOFOLLOW"}},
	}
	for _, tt := range tests {
		if tt.arches != nil && !slices.Contains(tt.arches, runtime.GOARCH) {
			continue
		}
		t.Run(tt.arch, func(t *testing.T) {
			fsys := tree(tt.arch)
			if tt.arch != "none" && fsys.Arch() != tt.arch {
				t.Fatalf("Arch() = %q, want %q", fsys.Arch(), tt.arch)
			}
			fds, err := List(fsys.Process(1), &Options{Info: true, NoSockets: true})
			if err != nil || len(fds) != 2 || fds[0].Info == nil || fds[1].Info == nil {
				t.Fatalf("List = %+v, %v", fds, err)
			}
			for i, want := range [][]string{tt.fd3, tt.fd4} {
				if got := fds[i].Info.Flags.Names(); !slices.Equal(got, want) {
					t.Errorf("fd %d: flags %v, want %v", fds[i].FD, got, want)
				}
			}
			if !fds[0].Info.Flags.Has(O_CLOEXEC) || fds[0].Mode != ReadWrite {
				t.Errorf("fd 3: %v, mode %v", fds[0].Info.Flags, fds[0].Mode)
			}
		})
	}
}

// TestFromArch: translating keeps every bit, translating to this program's
// own architecture changes nothing, and an unknown architecture (whose
// numbers differ in more bits, such as mips) is left as printed.
func TestFromArch(t *testing.T) {
	for _, arch := range []string{"amd64", "arm64", "arm", "386", "ppc64", "ppc64le", "riscv64", "s390x", "loong64"} {
		for bit := range 32 {
			f := Flags(1)<<bit | 2
			got := f.FromArch(arch)
			if popcount(got) != popcount(f) {
				t.Errorf("%s: FromArch(%#o) = %#o: bits lost", arch, uint32(f), uint32(got))
			}
			if flagsOfArch(arch) == flagsOfArch(runtime.GOARCH) && got != f {
				t.Errorf("%s on %s: FromArch(%#o) = %#o, want it unchanged", arch, runtime.GOARCH, uint32(f), uint32(got))
			}
		}
	}
	for _, arch := range []string{"mips64", "sparc64", "", "vax"} {
		if f := Flags(bit40000 | 2); f.FromArch(arch) != f {
			t.Errorf("FromArch(%q) changed %v", arch, f)
		}
	}
	// The constants are the table of the architecture this is built for.
	own := flagsOfArch(runtime.GOARCH)
	if own == nil {
		t.Skipf("no open-flag table for %s", runtime.GOARCH)
	}
	if *own != (archFlags{direct: O_DIRECT, largefile: O_LARGEFILE, directory: O_DIRECTORY, nofollow: O_NOFOLLOW}) {
		t.Errorf("table for %s %+v disagrees with the O_* constants", runtime.GOARCH, *own)
	}
	arm := Flags(bit200000).FromArch("arm64") // arm64's O_DIRECT
	if arm != O_DIRECT {
		t.Errorf("arm64 O_DIRECT (0%o) reads as %v on %s", bit200000, arm, runtime.GOARCH)
	}
	if amd := Flags(bit200000).FromArch("amd64"); amd != O_DIRECTORY {
		t.Errorf("amd64 O_DIRECTORY (0%o) reads as %v on %s", bit200000, amd, runtime.GOARCH)
	}
}

func popcount(f Flags) int { return bits.OnesCount32(uint32(f)) }

func TestReleaseAtLeast(t *testing.T) {
	for rel, want := range map[string]bool{
		"6.2.0": true, "6.12.0-1-amd64": true, "7.0": true, "6.1.0-18-cloud-arm64": false,
		"5.19.17": false, "6": false, "": false, "x.y": false, "6.2-rc1": true, "10.0.0": true,
	} {
		if got := releaseAtLeast(rel, 6, 2); got != want {
			t.Errorf("releaseAtLeast(%q, 6, 2) = %v, want %v", rel, got, want)
		}
	}
}
