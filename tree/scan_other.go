//go:build !linux

package tree

import "errors"

// scanDir is never called outside Linux: there is no live proc mount
// ([proc.FS.Live] is false), so Scan reads through the FS.
func scanDir(string, Options) (*Snapshot, error) { return nil, errors.ErrUnsupported }
