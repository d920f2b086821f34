//go:build linux && (amd64 || arm64)

// Package sysnum names Linux system calls by number, with the names strace
// prints, for the native ABI of GOARCH and for the 32-bit compat ABI the
// same kernel runs (i386 on amd64, arm on arm64).
//
// The tables are generated from golang.org/x/sys/unix by gen.go.
package sysnum

//go:generate go run gen.go

import "strconv"

// Name returns the name of native syscall nr, or "syscall_NNN" when the
// number is unknown.
func Name(nr int) string { return lookup(nativeNames[:], nr) }

// CompatName returns the name of compat (32-bit) syscall nr, or
// "syscall_NNN" when the number is unknown.
func CompatName(nr int) string { return lookup(compatNames[:], nr) }

// Number returns the native number of name; ok is false for unknown names.
func Number(name string) (nr int, ok bool) { nr, ok = nativeNumbers[name]; return }

// CompatNumber returns the compat number of name; ok is false for unknown
// names.
func CompatNumber(name string) (nr int, ok bool) { nr, ok = compatNumbers[name]; return }

// NativeMax and CompatMax are one more than the highest known number.
const (
	NativeMax = len(nativeNames)
	CompatMax = len(compatNames)
)

// Names returns every known native name, in number order.
func Names() []string { return known(nativeNames[:]) }

// CompatNames returns every known compat name, in number order.
func CompatNames() []string { return known(compatNames[:]) }

var (
	nativeNumbers = index(nativeNames[:])
	compatNumbers = index(compatNames[:])
)

func lookup(t []string, nr int) string {
	if nr >= 0 && nr < len(t) && t[nr] != "" {
		return t[nr]
	}
	return "syscall_" + strconv.Itoa(nr)
}

func index(t []string) map[string]int {
	m := make(map[string]int, len(t))
	for nr, name := range t {
		if name != "" {
			m[name] = nr
		}
	}
	return m
}

func known(t []string) []string {
	var out []string
	for _, name := range t {
		if name != "" {
			out = append(out, name)
		}
	}
	return out
}
