package tree

import (
	"cmp"
	"iter"
	"slices"

	"github.com/procscope/procscope/proc"
)

// Node is one process in a [Snapshot]. The exported fields are what the scan
// read; the links to parent and children are reached through methods. A Node
// and everything it points to are shared with the snapshot and must not be
// modified.
type Node struct {
	PID        int
	PPID       int        // the parent pid from stat, as read (even when that parent is absent)
	Comm       string     // raw bytes of comm, not escaped
	State      proc.State // scheduling state from stat
	StartTime  uint64     // clock ticks since boot
	NumThreads int        // from stat
	Kernel     bool       // a kernel thread (PF_KTHREAD)
	// Orphan is set when PPID is not 0 but the parent is not in the snapshot
	// (it exited, is hidden, or its pid was reused by a younger process). An
	// orphan hangs under the snapshot's root process instead.
	Orphan bool
	// Threads lists the threads other than the leader, in tid order, when the
	// snapshot was taken with [Options.Threads]; nil otherwise.
	Threads []Thread

	uid      uint32 // owner of /proc/PID, read only to order equal-named siblings
	hasUID   bool
	parent   *Node
	children []*Node // pstree order
}

// Thread is a thread of a process other than its leader.
type Thread struct {
	TID int
	// Comm is the thread's own name with [Options.ThreadNames], and the
	// process's comm otherwise (as pstree shows threads without -t).
	Comm string
}

// Parent returns the node's parent in the snapshot: its real parent, or the
// root process for an orphan. It is nil for a root (pid 1, kthreadd, a
// namespace's init, or an orphan when there is no root process).
func (n *Node) Parent() *Node { return n.parent }

// Children returns the child processes in pstree order: by comm (bytewise),
// then owner uid, then pid. The slice is shared and must not be modified.
func (n *Node) Children() []*Node { return n.children }

// ChildrenByPID returns the child processes in pid order, in a new slice.
func (n *Node) ChildrenByPID() []*Node {
	c := slices.Clone(n.children)
	slices.SortFunc(c, func(a, b *Node) int { return cmp.Compare(a.PID, b.PID) })
	return c
}

// Ancestors returns the parent, the grandparent and so on up to the root, in
// that order. It is empty for a root.
func (n *Node) Ancestors() []*Node {
	var a []*Node
	for p := n.parent; p != nil; p = p.parent {
		a = append(a, p)
	}
	return a
}

// Walk yields the node and every descendant depth-first in pstree order,
// each with its depth below n (n itself is depth 0).
func (n *Node) Walk() iter.Seq2[int, *Node] {
	return func(yield func(int, *Node) bool) {
		n.walk(0, yield)
	}
}

func (n *Node) walk(depth int, yield func(int, *Node) bool) bool {
	if !yield(depth, n) {
		return false
	}
	for _, c := range n.children {
		if !c.walk(depth+1, yield) {
			return false
		}
	}
	return true
}

// Descendants yields every process below n depth-first in pstree order, not
// n itself.
func (n *Node) Descendants() iter.Seq[*Node] {
	return func(yield func(*Node) bool) {
		for _, c := range n.children {
			for _, d := range c.Walk() {
				if !yield(d) {
					return
				}
			}
		}
	}
}

// Snapshot is an immutable process tree made by [Scan]. It is safe for
// concurrent use.
type Snapshot struct {
	nodes   []Node  // pid order
	roots   []*Node // pid order
	root    *Node
	threads int
	fails   []proc.Failure
}

// Node returns the process with the given pid, or nil when it is not in the
// snapshot.
func (s *Snapshot) Node(pid int) *Node {
	i, ok := slices.BinarySearchFunc(s.nodes, pid, func(n Node, pid int) int { return cmp.Compare(n.PID, pid) })
	if !ok {
		return nil
	}
	return &s.nodes[i]
}

// Root returns the process that orphans hang under: pid 1, the init of the
// pid namespace the scan saw. It is nil when pid 1 is not visible.
func (s *Snapshot) Root() *Node { return s.root }

// Roots returns the processes without a parent, in pid order: on a host pid
// 1 and kthreadd (pid 2), whose PPID is 0.
func (s *Snapshot) Roots() []*Node { return s.roots }

// All yields every process in pid order.
func (s *Snapshot) All() iter.Seq[*Node] {
	return func(yield func(*Node) bool) {
		for i := range s.nodes {
			if !yield(&s.nodes[i]) {
				return
			}
		}
	}
}

// Len returns the number of processes.
func (s *Snapshot) Len() int { return len(s.nodes) }

// NumThreads returns the number of threads listed other than the leaders
// (zero unless the scan listed threads).
func (s *Snapshot) NumThreads() int { return s.threads }

// Failures returns, in pid order, the processes that the scan could not
// read, or read only in part: one that exited during the scan (its error
// matches [io/fs.ErrNotExist]) or whose stat the caller may not read
// ([io/fs.ErrPermission]) is not in the snapshot; one whose threads could not
// be listed is, without them. See [proc.Failure] for which failures are
// expected. The slice is shared and must not be modified.
func (s *Snapshot) Failures() []proc.Failure { return s.fails }

// link builds the snapshot from nodes in pid order. lookupUID, if not nil,
// is called for processes that share their parent and comm with a sibling,
// since pstree orders those by owner uid.
func link(nodes []Node, lookupUID func(n *Node) (uint32, bool)) *Snapshot {
	s := &Snapshot{nodes: nodes}
	for i := range nodes {
		s.threads += len(nodes[i].Threads)
	}
	s.root = s.Node(1)
	// Parents first, counting children so that one backing array holds them all.
	counts := make([]int32, len(nodes))
	for i := range nodes {
		n := &nodes[i]
		n.parent, n.children, n.Orphan = nil, nil, false
		if n.PPID == 0 || n.PPID == n.PID {
			continue
		}
		p := s.Node(n.PPID)
		// A parent younger than its child is a reused pid: the real parent
		// exited between reading the child and reading the parent.
		if p == nil || p.StartTime > n.StartTime {
			n.Orphan = true
			p = s.root
			if p == n {
				p = nil
			}
		}
		n.parent = p
		if p != nil {
			counts[p.index(nodes)]++
		}
	}
	back := make([]*Node, 0, len(nodes))
	for i := range nodes {
		c := int(counts[i])
		nodes[i].children = back[len(back) : len(back) : len(back)+c]
		back = back[:len(back)+c]
	}
	for i := range nodes {
		n := &nodes[i]
		if n.parent == nil {
			s.roots = append(s.roots, n)
			continue
		}
		n.parent.children = append(n.parent.children, n)
	}
	s.breakCycles()
	for i := range nodes {
		sortChildren(nodes[i].children, lookupUID)
	}
	return s
}

// breakCycles makes sure every node hangs below a root. Parent links can
// only form a cycle when pids were reused within one clock tick during the
// scan; such a cycle is cut at its lowest pid, which becomes an orphan.
func (s *Snapshot) breakCycles() {
	reached := make([]bool, len(s.nodes))
	var stack []*Node
	mark := func(n *Node) {
		stack = append(stack[:0], n)
		for len(stack) > 0 {
			m := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			reached[m.index(s.nodes)] = true
			stack = append(stack, m.children...)
		}
	}
	for _, r := range s.roots {
		mark(r)
	}
	for i := range s.nodes {
		if reached[i] {
			continue
		}
		n := &s.nodes[i]
		p := n.parent
		p.children = slices.DeleteFunc(p.children, func(c *Node) bool { return c == n })
		n.Orphan = true
		n.parent = nil
		if s.root != nil && reached[s.root.index(s.nodes)] {
			n.parent = s.root
			s.root.children = append(s.root.children, n)
		} else {
			s.roots = append(s.roots, n)
		}
		mark(n)
	}
}

func (n *Node) index(nodes []Node) int {
	i, _ := slices.BinarySearchFunc(nodes, n.PID, func(m Node, pid int) int { return cmp.Compare(m.PID, pid) })
	return i
}

// sortChildren puts children (in pid order) into pstree order: comm, then
// uid, then pid. The uid is looked up only for runs of equal comm; with a nil
// lookupUID the nodes' preset uids are used.
func sortChildren(c []*Node, lookupUID func(n *Node) (uint32, bool)) {
	if len(c) < 2 {
		return
	}
	slices.SortStableFunc(c, func(a, b *Node) int { return cmp.Compare(a.Comm, b.Comm) })
	for i := 0; i < len(c); {
		j := i + 1
		for j < len(c) && c[j].Comm == c[i].Comm {
			j++
		}
		if j-i > 1 {
			if lookupUID != nil {
				for _, n := range c[i:j] {
					n.uid, n.hasUID = lookupUID(n)
				}
			}
			slices.SortStableFunc(c[i:j], func(a, b *Node) int { return cmp.Compare(a.uid, b.uid) })
		}
		i = j
	}
}
