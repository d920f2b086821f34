package fd

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in   string
		want Target
	}{
		{"/etc/passwd", Target{Type: File, Path: "/etc/passwd"}},
		{"/tmp/a b (deleted)", Target{Type: File, Path: "/tmp/a b", Deleted: true}},
		{"/tmp/\xff (deleted)", Target{Type: File, Path: "/tmp/\xff", Deleted: true}},
		{"/memfd:my mem (deleted)", Target{Type: File, Subtype: SubMemfd, Path: "/memfd:my mem", Deleted: true}},
		{"/memfd:x", Target{Type: File, Subtype: SubMemfd, Path: "/memfd:x", Deleted: true}},
		{"/dev/null", Target{Type: File, Path: "/dev/null"}},
		{"socket:[8276]", Target{Type: Socket, Inode: 8276}},
		{"pipe:[6590]", Target{Type: Pipe, Inode: 6590}},
		{"net:[4026531840]", Target{Type: Other, Subtype: "net", Inode: 4026531840}},
		{"anon_inode:[eventfd]", Target{Type: AnonInode, Subtype: SubEventfd}},
		{"anon_inode:[eventpoll]", Target{Type: AnonInode, Subtype: SubEventpoll}},
		{"anon_inode:inotify", Target{Type: AnonInode, Subtype: SubInotify}},
		{"anon_inode:[fanotify]", Target{Type: AnonInode, Subtype: SubFanotify}},
		{"anon_inode:[timerfd]", Target{Type: AnonInode, Subtype: SubTimerfd}},
		{"anon_inode:[signalfd]", Target{Type: AnonInode, Subtype: SubSignalfd}},
		{"anon_inode:[pidfd]", Target{Type: AnonInode, Subtype: SubPidfd}},
		{"anon_inode:bpf-map", Target{Type: AnonInode, Subtype: SubBPFMap}},
		{"anon_inode:bpf-prog", Target{Type: AnonInode, Subtype: SubBPFProg}},
		{"anon_inode:[io_uring]", Target{Type: AnonInode, Subtype: "io_uring"}},
		{"socket:[x]", Target{Type: Other}},
		{"socket:[12", Target{Type: Other}},
		{"", Target{Type: Other}},
		{"relative", Target{Type: Other}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ParseTarget(tt.in)); diff != "" {
				t.Errorf("ParseTarget(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestTypeString(t *testing.T) {
	for ty, want := range map[Type]string{File: "file", Socket: "socket", Pipe: "pipe", AnonInode: "anon_inode", Other: "other", 9: "type(9)"} {
		if got := ty.String(); got != want {
			t.Errorf("Type(%d).String() = %q, want %q", ty, got, want)
		}
	}
}
