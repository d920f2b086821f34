//go:build linux

package tree

// ScanDir and ScanFS expose both scan paths to the external tests.
var (
	ScanDir = scanDir
	ScanFS  = scanFS
)

// Flat is a node with its links as pids, for comparing snapshots.
type Flat struct {
	Node     Node
	UID      uint32
	HasUID   bool
	Parent   int
	Children []int
}

// Flatten returns the nodes of the subtree of pid (all nodes when pid < 0).
func Flatten(s *Snapshot, pid int) []Flat {
	var out []Flat
	add := func(n *Node) {
		f := Flat{Node: *n, UID: n.uid, HasUID: n.hasUID, Parent: -1}
		f.Node.parent, f.Node.children = nil, nil
		if n.parent != nil {
			f.Parent = n.parent.PID
		}
		for _, c := range n.children {
			f.Children = append(f.Children, c.PID)
		}
		out = append(out, f)
	}
	if pid < 0 {
		for n := range s.All() {
			add(n)
		}
		return out
	}
	for _, n := range s.Node(pid).Walk() {
		add(n)
	}
	return out
}
