package cli

import "github.com/procscope/procscope/proc"

// OpenRoot opens the proc tree an example's -root flag names: the live
// system for "" (pstree's default), or the directory dir, a mounted proc file
// system or a capture (see [proc.NewDir]). Its error is one line naming dir:
// dir does not exist, is not a directory, or holds a capture.json that
// cannot be read or parsed. The examples print it and exit 1.
func OpenRoot(dir string) (*proc.FS, error) {
	if dir == "" {
		return proc.Default(), nil
	}
	return proc.NewDir(dir)
}
