package proc

import "github.com/procscope/procscope/internal/num"

// ParseOOMScoreAdj parses the content of an oom_score_adj file: a decimal
// number from -1000 (never kill) to 1000 (kill first), and a newline.
func ParseOOMScoreAdj(b []byte) (int, error) {
	v, ok := cutNL(b)
	n, ok2 := num.Int(v)
	if !ok || !ok2 || n < -1000 || n > 1000 {
		return 0, parseErr("oom_score_adj", string(b), errSyntax)
	}
	return int(n), nil
}

// cutNL removes the one newline that ends a single-value file.
func cutNL(b []byte) ([]byte, bool) {
	if len(b) == 0 || b[len(b)-1] != '\n' {
		return b, false
	}
	return b[:len(b)-1], true
}

func readOOMScoreAdj(f *FS, name string) (n int, err error) {
	err = f.parseFile(name, func(b []byte) error {
		n, err = ParseOOMScoreAdj(b)
		return err
	})
	return n, err
}
