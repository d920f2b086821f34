module example.com/kitmodule

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0
	github.com/procscope/procscope v0.0.0
)

require golang.org/x/sys v0.50.0 // indirect

replace github.com/procscope/procscope => ../..
