package proc

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestCapNames(t *testing.T) {
	for n, want := range map[int]string{
		unix.CAP_CHOWN: "CAP_CHOWN", unix.CAP_NET_ADMIN: "CAP_NET_ADMIN", unix.CAP_SYS_PTRACE: "CAP_SYS_PTRACE",
		unix.CAP_SYS_ADMIN: "CAP_SYS_ADMIN", unix.CAP_AUDIT_READ: "CAP_AUDIT_READ", unix.CAP_BPF: "CAP_BPF",
		unix.CAP_CHECKPOINT_RESTORE: "CAP_CHECKPOINT_RESTORE",
	} {
		if got := CapName(n); got != want {
			t.Errorf("CapName(%d) = %q; want %q", n, got, want)
		}
	}
	if len(capNames) != unix.CAP_LAST_CAP+1 {
		t.Errorf("%d capability names; want %d (CAP_LAST_CAP+1)", len(capNames), unix.CAP_LAST_CAP+1)
	}
	if got := CapName(63); got != "CAP_63" {
		t.Errorf("CapName(63) = %q", got)
	}
}
