package fd

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/procscope/procscope/proc"
)

func TestParseInfo(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Info
	}{
		{
			name: "plain file",
			in:   "pos:\t5\nflags:\t0102001\nmnt_id:\t27\nino:\t9977857\n",
			want: Info{Pos: 5, Flags: O_LARGEFILE | O_APPEND | 1, MntID: 27, Ino: 9977857},
		},
		{
			name: "no ino line (before Linux 5.14)",
			in:   "pos:\t0\nflags:\t02\nmnt_id:\t10\n",
			want: Info{Flags: 2, MntID: 10},
		},
		{
			name: "eventfd",
			in:   "pos:\t0\nflags:\t02004002\nmnt_id:\t17\nino:\t1038\neventfd-count:               1f\neventfd-id: 2\neventfd-semaphore: 1\n",
			want: Info{Flags: O_CLOEXEC | O_NONBLOCK | 2, MntID: 17, Ino: 1038,
				Eventfd: &EventfdInfo{Count: 0x1f, ID: 2, Semaphore: true}},
		},
		{
			name: "epoll",
			in: "pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\n" +
				"tfd:       16 events: 8000201d data: 3fbbe0a36f000003  pos:0 ino:2054 sdev:9\n" +
				"tfd:        5 events:       19 data:                5  pos:7 ino:40e sdev:10\n",
			want: Info{Flags: O_CLOEXEC | 2, MntID: 17, Ino: 1038, Epoll: []EpollTarget{
				{FD: 16, Events: 0x8000201d, Data: 0x3fbbe0a36f000003, Ino: 0x2054, Sdev: 9},
				{FD: 5, Events: 0x19, Data: 5, Pos: 7, Ino: 0x40e, Sdev: 0x10},
			}},
		},
		{
			name: "inotify",
			in: "pos:\t0\nflags:\t02000000\nmnt_id:\t17\nino:\t1038\n" +
				"inotify wd:1 ino:3c4a3 sdev:fe00000 mask:100 ignored_mask:0 fhandle-bytes:8 fhandle-type:1 f_handle:a3c4030000000000\n" +
				"inotify wd:a ino:2 sdev:3 mask:fff ignored_mask:0\n",
			want: Info{Flags: O_CLOEXEC, MntID: 17, Ino: 1038, Inotify: []InotifyWatch{
				{WD: 1, Ino: 0x3c4a3, Sdev: 0xfe00000, Mask: 0x100, FHandle: "fhandle-bytes:8 fhandle-type:1 f_handle:a3c4030000000000"},
				{WD: 10, Ino: 2, Sdev: 3, Mask: 0xfff},
			}},
		},
		{
			name: "timerfd",
			in: "pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\nclockid: 1\nticks: 3\nsettime flags: 01\n" +
				"it_value: (98, 911661279)\nit_interval: (5, 0)\n",
			want: Info{Flags: O_CLOEXEC | 2, MntID: 17, Ino: 1038, Timerfd: &TimerfdInfo{
				ClockID: 1, Ticks: 3, SettimeFlags: 1, ValueSec: 98, ValueNsec: 911661279, IntervalSec: 5}},
		},
		{
			name: "signalfd",
			in:   "pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\nsigmask:\t0000000000000200\n",
			want: Info{Flags: O_CLOEXEC | 2, MntID: 17, Ino: 1038, Signalfd: &SignalfdInfo{Sigmask: 0x200}},
		},
		{
			name: "pidfd",
			in:   "pos:\t0\nflags:\t02000002\nmnt_id:\t4\nino:\t5279\nPid:\t5278\nNSpid:\t5278\t1\n",
			want: Info{Flags: O_CLOEXEC | 2, MntID: 4, Ino: 5279, Pidfd: &PidfdInfo{PID: 5278, NSPID: []int{5278, 1}}},
		},
		{
			name: "unknown lines kept",
			in:   "pos:\t0\nflags:\t02\nmnt_id:\t10\nino:\t8285\nscm_fds: 0\nlock:\t1: POSIX  ADVISORY  WRITE 1234 fe:00:12 0 EOF\nmap_type:\t1\n",
			want: Info{Flags: 2, MntID: 10, Ino: 8285, Extra: []Field{
				{"scm_fds", "0"}, {"lock", "1: POSIX  ADVISORY  WRITE 1234 fe:00:12 0 EOF"}, {"map_type", "1"}}},
		},
		{
			name: "no trailing newline, flags with unknown bit",
			in:   "pos:\t-1\nflags:\t040000000",
			want: Info{Pos: -1, Flags: 0o40000000},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseInfo([]byte(tt.in))
			if err != nil {
				t.Fatalf("ParseInfo: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseInfo mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseInfoErrors(t *testing.T) {
	tests := []struct {
		name, in, wantMsg string
	}{
		{"empty", "", "pos"},
		{"no flags", "pos:\t0\n", "flags"},
		{"bad pos", "pos:\tx\nflags:\t0\n", `line 1: pos "x"`},
		{"bad flags octal", "pos:\t0\nflags:\t9\n", `line 2: flags "9"`},
		{"no colon", "pos:\t0\nflags:\t0\ngarbage\n", `line 3: line "garbage"`},
		{"bad tfd", "pos:\t0\nflags:\t0\ntfd: x events: 1\n", `line 3: tfd "x"`},
		{"tfd value missing", "pos:\t0\nflags:\t0\ntfd:\n", "line 3: tfd"},
		{"bad inotify", "pos:\t0\nflags:\t0\ninotify wd:zz\n", `line 3: wd "zz"`},
		{"bad timer pair", "pos:\t0\nflags:\t0\nit_value: (1 2)\n", `line 3: it_value`},
		{"flags overflow", "pos:\t0\nflags:\t0777777777777\n", "line 2: flags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseInfo([]byte(tt.in))
			if err == nil {
				t.Fatalf("ParseInfo(%q) = %+v, nil; want error", tt.in, got)
			}
			if !errors.Is(err, proc.ErrParse) {
				t.Errorf("error %v does not match proc.ErrParse", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tt.wantMsg)
			}
			if diff := cmp.Diff(Info{}, got); diff != "" {
				t.Errorf("result not zero on error:\n%s", diff)
			}
		})
	}
}

// TestParseInfoFiles parses every fdinfo captured from a live process into
// testdata/fdinfo and checks the kind-specific part each name promises.
func TestParseInfoFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/fdinfo/*")
	if len(files) == 0 {
		t.Fatal("no testdata/fdinfo files")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			in, err := ParseInfo(b)
			if err != nil {
				t.Fatalf("ParseInfo: %v", err)
			}
			name := filepath.Base(f)
			checks := map[string]bool{
				"eventfd":   in.Eventfd != nil,
				"eventpoll": len(in.Epoll) > 0,
				"inotify":   len(in.Inotify) > 0,
				"timerfd":   in.Timerfd != nil,
				"signalfd":  in.Signalfd != nil,
				"pidfd":     in.Pidfd != nil,
			}
			for kind, ok := range checks {
				if strings.Contains(name, kind) && !ok {
					t.Errorf("%s: %s part missing in %+v", name, kind, in)
				}
			}
			if in.MntID == 0 && !strings.Contains(name, "memfd") {
				t.Errorf("%s: mnt_id 0", name)
			}
		})
	}
}
