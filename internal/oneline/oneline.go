// Package oneline keeps errors on one line, as every error of this module
// must be: [String] flattens an error's text and [Join] is [errors.Join]
// with "; " between the errors instead of a newline.
package oneline

import (
	"slices"
	"strings"
)

// String returns err's text with each newline replaced by "; ".
func String(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

// Join joins errs into one error that prints on one line ("; " between
// them, each flattened by [String]) and unwraps to each, so [errors.Is]
// and [errors.As] see them all. Nil errors are left out, as [errors.Join]
// leaves them out; Join returns nil for none and the error itself for one.
func Join(errs []error) error {
	// A copy, as errors.Join makes: the caller may reuse errs.
	errs = slices.DeleteFunc(slices.Clone(errs), func(e error) bool { return e == nil })
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return joined(errs)
}

type joined []error

func (j joined) Error() string {
	var b strings.Builder
	for i, e := range j {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(String(e))
	}
	return b.String()
}

func (j joined) Unwrap() []error { return j }
