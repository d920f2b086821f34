//go:build !linux

package environ

// readLive has no fast path off Linux.
func readLive(osPath, name string) ([]byte, bool, error) { return nil, false, nil }
