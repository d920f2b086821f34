package proc

// procfs's Comm trims all surrounding white space, which loses a comm that
// really ends in a space; this reader removes only the kernel's newline.

func readComm(f *FS, name string) (string, error) {
	b, err := f.ReadFile(name)
	if err != nil {
		return "", err
	}
	if len(b) == 0 || b[len(b)-1] != '\n' {
		return "", &ParseError{Path: name, Field: "comm", Value: string(b), Err: errTruncated}
	}
	return string(b[:len(b)-1]), nil
}
