package container

import "strings"

// joinErrors joins errs into one error that prints on one line ("; "
// between them) and unwraps to each, so errors.Is and errors.As see them
// all. Nil for none.
func joinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return multiError(errs)
}

type multiError []error

func (m multiError) Error() string {
	s := make([]string, len(m))
	for i, e := range m {
		s[i] = oneLine(e)
	}
	return strings.Join(s, "; ")
}

func (m multiError) Unwrap() []error { return m }
