package oneline

import (
	"errors"
	"io/fs"
	"testing"
)

func TestJoin(t *testing.T) {
	if Join(nil) != nil {
		t.Error("Join(nil) != nil")
	}
	if Join([]error{nil, nil}) != nil {
		t.Error("Join of nils != nil")
	}
	one := errors.New("one")
	if Join([]error{one}) != one || Join([]error{nil, one, nil}) != one {
		t.Error("Join of one error is not that error")
	}
	err := Join([]error{fs.ErrNotExist, errors.New("two\nlines"), fs.ErrPermission})
	if got, want := err.Error(), "file does not exist; two; lines; permission denied"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, fs.ErrPermission) {
		t.Errorf("%v does not match each joined error", err)
	}
}

func TestString(t *testing.T) {
	if got, want := String(errors.New("a\nb\nc")), "a; b; c"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}
