//go:build !linux || !(amd64 || arm64)

package syscallstat

import (
	"errors"
	"fmt"
)

// CheckEBPF fails: the eBPF backend needs Linux on amd64 or arm64.
func CheckEBPF() error {
	return fmt.Errorf("syscallstat: eBPF backend needs linux/amd64 or linux/arm64: %w: %w", ErrEBPFUnavailable, errors.ErrUnsupported)
}
