package proc

import (
	"strconv"

	"github.com/procscope/procscope/internal/num"
)

// AuditID is an audit identifier of a process: the login uid of
// /proc/PID/loginuid or the audit session of /proc/PID/sessionid. Both are
// [AuditUnset] until a login service (pam_loginuid) sets them, and are
// inherited from then on.
type AuditID uint32

// AuditUnset is the value of an audit identifier that was never set:
// (uid_t)-1, which the kernel prints as 4294967295.
const AuditUnset AuditID = 1<<32 - 1

// IsSet reports whether the identifier was set.
func (a AuditID) IsSet() bool { return a != AuditUnset }

// String returns the number, or "unset" for [AuditUnset].
func (a AuditID) String() string {
	if !a.IsSet() {
		return "unset"
	}
	return strconv.FormatUint(uint64(a), 10)
}

// ParseAuditID parses the content of a loginuid or sessionid file: a
// decimal number below 2^32, with no newline.
func ParseAuditID(b []byte) (AuditID, error) {
	n, ok := num.Uint(b)
	if !ok || n > 1<<32-1 {
		return 0, parseErr("id", string(b), errSyntax)
	}
	return AuditID(n), nil
}

func readAuditID(f *FS, name string) (a AuditID, err error) {
	err = f.parseFile(name, func(b []byte) error {
		a, err = ParseAuditID(b)
		return err
	})
	return a, err
}
