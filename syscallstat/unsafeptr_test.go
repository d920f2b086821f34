package syscallstat

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestUintptrOnlyInSyscallCalls: uintptr(unsafe.Pointer(p)) keeps p valid
// only as an argument written in the call of an assembly-backed system call
// (unix.RawSyscall6 and the like). Passed to an ordinary Go function (as
// ptraceRaw once took it), the pointer is a plain number there: the object
// may move with a growing stack once the function is not inlined
// (-gcflags=all=-l), and the kernel writes to the old place. Such helpers
// take an unsafe.Pointer.
func TestUintptrOnlyInSyscallCalls(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			for _, arg := range call.Args {
				if !isUintptrOfPointer(arg) {
					continue
				}
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
					if pkg, ok := sel.X.(*ast.Ident); ok && (pkg.Name == "unix" || pkg.Name == "syscall") &&
						strings.Contains(sel.Sel.Name, "Syscall") {
						continue
					}
				}
				t.Errorf("%s: uintptr(unsafe.Pointer(...)) passed to %s, not to a system call: pass an unsafe.Pointer",
					fset.Position(arg.Pos()), types(call.Fun))
			}
			return true
		})
	}
}

func isUintptrOfPointer(e ast.Expr) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok || len(c.Args) != 1 {
		return false
	}
	if id, ok := c.Fun.(*ast.Ident); !ok || id.Name != "uintptr" {
		return false
	}
	inner, ok := c.Args[0].(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := inner.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Pointer"
}

func types(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return types(e.X) + "." + e.Sel.Name
	}
	return "a function"
}
