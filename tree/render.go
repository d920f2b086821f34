package tree

import (
	"cmp"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
)

// RenderOptions selects the pstree flavour [Snapshot.Render] prints. The zero
// value prints like `pstree -p -A PID` with output cut at 132 columns.
type RenderOptions struct {
	// Unicode draws lines with box-drawing characters, like pstree -U.
	Unicode bool
	// HideThreads leaves threads out, like pstree -T.
	HideThreads bool
	// Compact prints no pids and merges identical sibling subtrees as
	// N*[name], like plain pstree (pstree -p turns compaction off).
	Compact bool
	// NoMerge, with Compact, still prints no pids but does not merge
	// identical siblings, like pstree -c (which disables compaction).
	// Without Compact it changes nothing: the pid form never merges.
	NoMerge bool
	// Parents shows only the chain of ancestors above the process and then
	// its whole subtree, like pstree -s PID.
	Parents bool
	// Width is the column where lines are cut, ending with '+' (pstree uses
	// $COLUMNS, else the terminal's width, else 132). Zero means 132; a
	// negative width never cuts, like pstree -l.
	Width int
}

// commLen is psmisc's COMM_LEN: names longer than commLen+1 bytes are cut.
const commLen = 64

type symbols struct{ empty2, branch2, vert2, last2, single3, first3 string }

var (
	asciiSyms   = symbols{"  ", "|-", "| ", "`-", "---", "-+-"}
	unicodeSyms = symbols{"  ", "├─", "│ ", "└─", "───", "─┬─"}
)

// rnode is one line-item of the rendered tree: a process, a thread, or the
// "?" stand-in pstree prints for a missing parent.
type rnode struct {
	label    string // raw, unescaped
	pid      int
	uid      uint32
	children []*rnode
}

// Render writes the subtree of pid the way psmisc 23.6's pstree does (see
// [RenderOptions]), byte for byte. Pid 0 renders the processes whose PPID is
// 0 under a "?" line, as pstree does. A pid that is not in the snapshot but
// is the parent of orphans (a process hidden by a /proc mounted with
// hidepid, or one that exited during the scan) renders as pstree draws it:
// a "?(PID)" line above those orphans; a hidden pid 1 has the orphans of
// every missing parent below it. With [RenderOptions.Parents] the chain of
// ancestors above pid goes up to pid 1 through such "?(PID)" lines. A
// snapshot taken without threads shows none. It returns an error wrapping
// [fs.ErrNotExist] when pid is neither in the snapshot nor the parent of an
// orphan, or the writer's error.
func (s *Snapshot) Render(w io.Writer, pid int, opts *RenderOptions) error {
	var o RenderOptions
	if opts != nil {
		o = *opts
	}
	var top *rnode
	switch n := s.Node(pid); {
	case pid == 0:
		top = &rnode{label: "?", pid: 0}
		for _, r := range s.roots {
			if !r.Orphan {
				top.children = append(top.children, s.rtree(r, &o))
			}
		}
		sortR(top.children)
	case n == nil && pid == 1:
		// Pid 1 is hidden (hidepid): pstree makes a "?(1)" root for the
		// orphans, with or without -s.
		if top = s.hiddenInit(&o); top == nil {
			return fmt.Errorf("tree: render pid %d: %w", pid, fs.ErrNotExist)
		}
	case n == nil:
		// A hidden (or vanished) parent of orphans: pstree draws it as
		// "?(PID)" above them, and with -s below pid 1.
		var orphans []*Node
		for i := range s.nodes {
			if c := &s.nodes[i]; c.Orphan && c.PPID == pid {
				orphans = append(orphans, c)
			}
		}
		if len(orphans) == 0 {
			return fmt.Errorf("tree: render pid %d: %w", pid, fs.ErrNotExist)
		}
		top = &rnode{label: "?", pid: pid}
		for _, c := range orphans {
			top.children = append(top.children, s.rtree(c, &o))
		}
		sortR(top.children)
		if o.Parents {
			top = s.aboveOrphan(top)
		}
	case o.Parents:
		top = s.rtree(n, &o)
		// pstree trims each ancestor's children down to the one on the path
		// and then prints from pid 1; when the path does not reach pid 1 it
		// prints pid 1's whole tree.
		if n != s.root {
			cur, reached, p := top, false, n
			for ; p.parent != nil; p = p.parent {
				if p.Orphan {
					cur = &rnode{label: "?", pid: p.PPID, children: []*rnode{cur}}
				}
				cur = &rnode{label: p.parent.Comm, pid: p.parent.PID, uid: p.parent.uid, children: []*rnode{cur}}
				if p.parent == s.root {
					reached = true
				}
			}
			switch {
			case reached:
				top = cur
			case p.Orphan && s.root == nil:
				// The chain ends at a process whose parent is hidden and
				// pid 1 is hidden too: pstree goes on through "?(PPID)"
				// to "?(1)".
				if p.PPID != 1 {
					cur = &rnode{label: "?", pid: p.PPID, children: []*rnode{cur}}
				}
				top = s.aboveOrphan(cur)
			case s.root != nil:
				top = s.rtree(s.root, &o)
			default:
				if top = s.hiddenInit(&o); top == nil {
					return nil
				}
			}
		}
	default:
		top = s.rtree(n, &o)
	}
	r := renderer{
		sym:    &asciiSyms,
		noPIDs: o.Compact,
		merge:  o.Compact && !o.NoMerge,
		width:  o.Width,
		trunc:  o.Width >= 0,
		curX:   1,
	}
	if o.Unicode {
		r.sym = &unicodeSyms
	}
	if r.width == 0 {
		r.width = 132
	}
	r.dump(top, 0, 1, true, true, 0)
	_, err := w.Write(r.out)
	return err
}

// hiddenInit is the "?(1)" pstree draws for a hidden pid 1, with the
// orphans whose PPID is 1 below it and the others below "?(PPID)"
// stand-ins; nil when there are no orphans.
func (s *Snapshot) hiddenInit(o *RenderOptions) *rnode {
	var direct, orphans []*Node
	for _, r := range s.roots {
		switch {
		case !r.Orphan:
		case r.PPID == 1:
			direct = append(direct, r)
		default:
			orphans = append(orphans, r)
		}
	}
	if len(direct)+len(orphans) == 0 {
		return nil
	}
	top := &rnode{label: "?", pid: 1, children: s.standIns(orphans, o)}
	for _, r := range direct {
		top.children = append(top.children, s.rtree(r, o))
	}
	sortR(top.children)
	return top
}

// aboveOrphan puts r, a "?(PPID)" stand-in, below pid 1 as pstree -s
// prints it: below the root process, or below "?(1)" when pid 1 is hidden.
func (s *Snapshot) aboveOrphan(r *rnode) *rnode {
	switch {
	case s.root != nil:
		return &rnode{label: s.root.Comm, pid: s.root.PID, uid: s.root.uid, children: []*rnode{r}}
	case r.pid == 1:
		return r
	}
	return &rnode{label: "?", pid: 1, children: []*rnode{r}}
}

// rtree builds the render tree of n: its child processes and threads in
// pstree order, with orphans under the root grouped beneath "?" stand-ins
// for their missing parents.
func (s *Snapshot) rtree(n *Node, o *RenderOptions) *rnode {
	r := &rnode{label: n.Comm, pid: n.PID, uid: n.uid}
	var orphans []*Node
	for _, c := range n.children {
		if c.Orphan {
			orphans = append(orphans, c)
		} else {
			r.children = append(r.children, s.rtree(c, o))
		}
	}
	if !o.HideThreads && len(n.Threads) > 0 {
		threads := make([]rnode, len(n.Threads))
		var label, labelOf string
		for i, t := range n.Threads {
			if label == "" || t.Comm != labelOf {
				label, labelOf = threadLabel(t.Comm), t.Comm
			}
			threads[i] = rnode{label: label, pid: t.TID, uid: n.uid}
			r.children = append(r.children, &threads[i])
		}
	}
	r.children = append(r.children, s.standIns(orphans, o)...)
	sortR(r.children)
	return r
}

// standIns groups orphans under "?" stand-ins for their missing parents, in
// the order pstree attaches them to the root: it creates a stand-in when it
// reads the first orphan (in pid order) and attaches them newest first.
func (s *Snapshot) standIns(orphans []*Node, o *RenderOptions) []*rnode {
	var missing []*rnode
	var first []int // the lowest orphan pid under each stand-in
	for _, c := range orphans {
		i := slices.IndexFunc(missing, func(m *rnode) bool { return m.pid == c.PPID })
		if i < 0 {
			missing = append(missing, &rnode{label: "?", pid: c.PPID})
			first = append(first, c.PID)
			i = len(missing) - 1
		}
		first[i] = min(first[i], c.PID)
		missing[i].children = append(missing[i].children, s.rtree(c, o))
	}
	for _, m := range missing {
		sortR(m.children)
	}
	order := make([]int, len(missing))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(first[b], first[a]) })
	sorted := make([]*rnode, len(missing))
	for i, j := range order {
		sorted[i] = missing[j]
	}
	return sorted
}

func threadLabel(comm string) string {
	if len(comm) > commLen {
		comm = comm[:commLen]
	}
	return "{" + comm + "}"
}

// sortR orders siblings as pstree inserts them: by name, then uid, keeping
// the order of insertion among equals.
func sortR(c []*rnode) {
	slices.SortStableFunc(c, func(a, b *rnode) int {
		return cmp.Or(cmp.Compare(cutLabel(a.label), cutLabel(b.label)), cmp.Compare(a.uid, b.uid))
	})
}

func cutLabel(s string) string {
	if len(s) > commLen+1 {
		return s[:commLen+1]
	}
	return s
}

// renderer reproduces psmisc's output routines: column counting that counts
// one column per UTF-8 sequence, cutting at width with a single '+', and
// the dump_tree layout.
type renderer struct {
	sym     *symbols
	noPIDs  bool // pstree without -p
	merge   bool // identical siblings merged (pstree without -p or -c)
	trunc   bool
	width   int
	curX    int
	charLen int
	widths  []int
	more    []bool
	out     []byte
}

func (r *renderer) char(c byte) {
	if r.charLen == 0 {
		switch {
		case c&0x80 == 0:
			r.charLen = 1
		case c&0xe0 == 0xc0:
			r.charLen = 2
		case c&0xf0 == 0xe0:
			r.charLen = 3
		case c&0xf8 == 0xf0:
			r.charLen = 4
		default:
			r.charLen = 1
		}
		r.curX++
	}
	r.charLen--
	switch {
	case !r.trunc || r.curX <= r.width:
		r.out = append(r.out, c)
	case r.curX == r.width+1:
		r.out = append(r.out, '+')
	}
}

func (r *renderer) str(s string) {
	for i := 0; i < len(s); i++ {
		r.char(s[i])
	}
}

func (r *renderer) newline() {
	r.out = append(r.out, '\n')
	r.curX = 1
}

// label prints a name with backslash doubled and bytes outside ' '..'~'
// as \ooo, and returns how many columns that took.
func (r *renderer) label(s string) int {
	s = cutLabel(s)
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			r.str(`\\`)
			n += 2
		case c >= ' ' && c <= '~':
			r.char(c)
			n++
		default:
			r.char('\\')
			r.char('0' + c>>6)
			r.char('0' + c>>3&7)
			r.char('0' + c&7)
			n += 4
		}
	}
	return n
}

// num prints a non-negative integer as pstree's out_int does, which prints
// nothing for 0, and returns the digits it counts.
func (r *renderer) num(x int) int {
	if x == 0 {
		return 1
	}
	s := strconv.Itoa(x)
	r.str(s)
	return len(s)
}

func (r *renderer) dump(n *rnode, level, rep int, leaf, last bool, closing int) {
	if !leaf {
		for lvl := 0; lvl < level; lvl++ {
			for i := r.widths[lvl] + 1; i > 0; i-- {
				r.char(' ')
			}
			switch {
			case lvl == level-1 && last:
				r.str(r.sym.last2)
			case lvl == level-1:
				r.str(r.sym.branch2)
			case r.more[lvl+1]:
				r.str(r.sym.vert2)
			default:
				r.str(r.sym.empty2)
			}
		}
	}
	add := 0
	if rep >= 2 {
		add = r.num(rep) + 2
		r.str("*[")
	}
	nameLen := r.label(n.label)
	offset := r.curX
	if !r.noPIDs {
		r.char('(')
		r.num(n.pid)
		r.char(')')
	}
	if len(n.children) == 0 {
		for ; closing > 0; closing-- {
			r.char(']')
		}
		r.newline()
	}
	for len(r.more) <= level {
		r.more = append(r.more, false)
		r.widths = append(r.widths, 0)
	}
	r.more[level] = !last
	r.widths[level] = nameLen + r.curX - offset + add
	if r.trunc && r.curX >= r.width {
		r.str(r.sym.first3)
		r.str("+")
		r.newline()
		return
	}
	kids := n.children
	for i := 0; i < len(kids); i++ {
		count := 0
		if r.merge {
			rest := kids[:i+1]
			for _, k := range kids[i+1:] {
				if equalTree(kids[i], k) {
					count++
				} else {
					rest = append(rest, k)
				}
			}
			kids = rest
		}
		next := i+1 < len(kids)
		if i == 0 {
			if next {
				r.str(r.sym.first3)
			} else {
				r.str(r.sym.single3)
			}
		}
		c := closing
		if count > 0 {
			c++
		}
		r.dump(kids[i], level+1, count+1, i == 0, !next, c)
	}
}

// equalTree is pstree's tree_equal: same names all the way down.
func equalTree(a, b *rnode) bool {
	if cutLabel(a.label) != cutLabel(b.label) || len(a.children) != len(b.children) {
		return false
	}
	for i := range a.children {
		if !equalTree(a.children[i], b.children[i]) {
			return false
		}
	}
	return true
}
