package proc

// procfs's Comm trims all surrounding white space, which loses a comm that
// really ends in a space; this reader removes only the kernel's newline.

func readComm(f *FS, name string) (comm string, err error) {
	err = f.parseFile(name, func(b []byte) error {
		if len(b) == 0 || b[len(b)-1] != '\n' {
			return parseErr("comm", string(b), errTruncated)
		}
		comm = string(b[:len(b)-1])
		return nil
	})
	return comm, err
}
