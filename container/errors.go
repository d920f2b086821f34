package container

import "errors"

var (
	errEmpty     = errors.New("empty file")
	errTruncated = errors.New("file truncated")
	errSyntax    = errors.New("invalid syntax")
)
