package tree_test

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeSnippet: the README's tree snippet is the body of
// ExampleSnapshot_Node, which the compiler checks, so it cannot rot (it
// once dereferenced snap.Node(pid) without the nil check).
func TestReadmeSnippet(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Skipf("README.md: %v", err)
	}
	_, after, ok := strings.Cut(string(readme), "### tree:")
	_, after, ok2 := strings.Cut(after, "```go\n")
	snippet, _, ok3 := strings.Cut(after, "```\n")
	if !ok || !ok2 || !ok3 {
		t.Fatal(`README.md has no go block under "### tree:"`)
	}
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(src), "func ExampleSnapshot_Node() {\n")
	body, _, _ = strings.Cut(body, "\n}\n")
	var want strings.Builder
	for line := range strings.Lines(body + "\n") {
		want.WriteString(strings.TrimPrefix(line, "\t"))
	}
	if snippet != want.String() {
		t.Errorf("README.md's tree snippet:\n%s\nis not the body of ExampleSnapshot_Node:\n%s", snippet, want.String())
	}
	if !strings.Contains(snippet, "if n == nil") {
		t.Error("README.md's tree snippet uses snap.Node without a nil check")
	}
}
