// Package cli holds the shared command-line pieces of the example programs
// under examples/: parsing flags with a usage message that names the
// arguments and a -h that exits 0 (flags.go), opening the -root tree
// (root.go), and escaping and redacting what they print (escape.go).
//
// It is internal: the programs' flags, output formats and JSON keys are
// their public interface, not this package.
package cli
