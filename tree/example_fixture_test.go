package tree_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"

	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/tree"
)

// Render a captured tree compactly, like plain `pstree -A PID`.
func ExampleSnapshot_Render() {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "internal", "fixtures", "testdata", "tree-basic")
	fsys, err := proc.NewDir(dir)
	if err != nil {
		return
	}
	s, err := tree.Scan(context.Background(), fsys, &tree.Options{Threads: true})
	if err != nil {
		return
	}
	s.Render(os.Stdout, 27668, &tree.RenderOptions{Compact: true, HideThreads: true})
	// Output:
	// tt-root-+-Zed---deep---deeper
	//         |-b) (x y
	//         |-2*[mid---2*[leaf]]
	//         |-threads
	//         `-\303\251\\t\001z
}
