// Package rawio reads whole files from descriptors with plain read(2)
// calls, for the /proc readers that open their own descriptors and reuse
// their own buffers.
package rawio

import (
	"slices"
	"syscall"
)

// ReadAll appends everything left to read from fd to buf, growing buf as
// needed, and retries a read interrupted by a signal. Files in /proc report
// a size of 0 or 4096, so there is no size to start from: buf's capacity is
// the first guess.
func ReadAll(fd int, buf []byte) ([]byte, error) {
	if cap(buf) == 0 {
		buf = make([]byte, 0, 4096)
	}
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, cap(buf))
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return buf, err
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}
