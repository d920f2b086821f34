//go:build !linux

package tree

import (
	"context"
	"errors"
)

// scanDir is never called outside Linux: there is no live proc mount
// ([proc.FS.Live] is false), so Scan reads through the FS.
func scanDir(context.Context, string, Options) (*Snapshot, error) { return nil, errors.ErrUnsupported }
