package tree

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strconv"
	"syscall"

	"github.com/procscope/procscope/proc"
)

// Options selects what [Scan] reads beyond each process's stat. The zero
// value (or nil) reads stat only.
type Options struct {
	// Threads lists the threads of every process whose stat counts more
	// than one (task/ is read only for those).
	Threads bool
	// ThreadNames reads each thread's own comm (task/TID/comm), as pstree
	// -t does. Without it a thread's Comm is its process's comm, which is
	// what pstree shows by default. Implies Threads.
	ThreadNames bool
}

// Scan takes a snapshot of the process tree of fsys in one pass, reading
// PID/stat for every process and, with [Options.Threads], PID/task for the
// multi-threaded ones. A process that cannot be read, or exits during the
// scan, is left out (or, when only its threads could not be listed, kept
// without them) and named in [Snapshot.Failures]; see [proc.Failure] for
// which failures are expected.
//
// Scan checks ctx before each process: once ctx is done it reads no
// further process and returns a snapshot of the processes read so far
// together with ctx.Err(). The error is otherwise non-nil only when the
// process list itself cannot be read.
//
// On the live /proc ([proc.FS.Live]) Scan reads with a few raw system calls
// per process; on any other FS, or a capture, it reads through fsys.
func Scan(ctx context.Context, fsys *proc.FS, opts *Options) (*Snapshot, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.ThreadNames {
		o.Threads = true
	}
	if err := ctx.Err(); err != nil {
		return link(nil, nil), err
	}
	if fsys.Live() {
		return scanDir(ctx, fsys.Dir(), o)
	}
	return scanFS(ctx, fsys, o)
}

// builder collects nodes, with the threads of all of them in one growing
// array, so that a scan allocates little per process beyond the node.
type builder struct {
	o       Options
	nodes   []Node
	threads []Thread
	comms   map[string]string
	fails   []proc.Failure
}

func newBuilder(o Options, n int) *builder {
	return &builder{o: o, nodes: make([]Node, 0, n), comms: make(map[string]string)}
}

func (b *builder) intern(c []byte) string {
	if s, ok := b.comms[string(c)]; ok {
		return s
	}
	s := string(c)
	b.comms[s] = s
	return s
}

func (b *builder) add(st *statFields) *Node {
	b.nodes = append(b.nodes, Node{
		PID:        st.pid,
		PPID:       st.ppid,
		Comm:       b.intern(st.comm),
		State:      proc.State(st.state),
		StartTime:  st.startTime,
		NumThreads: st.numThreads,
		Kernel:     st.flags&pfKthread != 0,
	})
	return &b.nodes[len(b.nodes)-1]
}

// endThreads gives n the threads appended since start, in tid order. The
// slice keeps pointing at the array it was cut from when b.threads grows.
func (b *builder) endThreads(n *Node, start int) {
	if len(b.threads) == start {
		return
	}
	t := b.threads[start:len(b.threads):len(b.threads)]
	if !slices.IsSortedFunc(t, func(x, y Thread) int { return x.TID - y.TID }) {
		slices.SortFunc(t, func(x, y Thread) int { return x.TID - y.TID })
	}
	n.Threads = t
}

// link orders the nodes by pid and links the tree. lookupUID is called only
// when complete is set: a cancelled scan reads nothing more.
func (b *builder) link(complete bool, lookupUID func(*Node) (uint32, bool)) *Snapshot {
	if !complete {
		lookupUID = nil
	}
	if !slices.IsSortedFunc(b.nodes, func(x, y Node) int { return x.PID - y.PID }) {
		slices.SortFunc(b.nodes, func(x, y Node) int { return x.PID - y.PID })
	}
	s := link(b.nodes, lookupUID)
	s.fails = b.fails
	return s
}

func scanFS(ctx context.Context, fsys *proc.FS, o Options) (*Snapshot, error) {
	pids, err := fsys.PIDs()
	if err != nil {
		return nil, err
	}
	b := newBuilder(o, len(pids))
	var stopped error
	for _, pid := range pids {
		if stopped = ctx.Err(); stopped != nil {
			break
		}
		name := strconv.Itoa(pid) + "/stat"
		data, err := fsys.ReadFile(name)
		if err != nil || len(data) == 0 {
			// Gone, or exited after the open; in a capture, damaged.
			err = fsys.Damaged(name, err)
			if err == nil {
				err = emptyStat(name)
			}
			b.fail(pid, err)
			continue
		}
		st, err := parseStat(data)
		if err != nil {
			b.fail(pid, withPath(err, name))
			continue
		}
		n := b.add(&st)
		if !o.Threads || st.numThreads <= 1 {
			continue
		}
		tasks, err := fsys.Process(pid).Tasks()
		if err != nil {
			b.fail(pid, err)
			continue
		}
		start := len(b.threads)
		for _, t := range tasks {
			if t.TID == pid {
				continue
			}
			comm := n.Comm
			if o.ThreadNames {
				c, err := t.Comm()
				if err != nil {
					b.failThread(pid, err)
					continue
				}
				comm = b.intern([]byte(c))
			}
			b.threads = append(b.threads, Thread{TID: t.TID, Comm: comm})
		}
		b.endThreads(n, start)
	}
	return b.link(stopped == nil, func(n *Node) (uint32, bool) {
		fi, err := fsys.Lstat(strconv.Itoa(n.PID))
		if err != nil {
			return 0, false
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			return st.Uid, true
		}
		return 0, false
	}), stopped
}

// fail records the failure of process pid, unless one is already recorded
// for it: a scan reports at most one failure per process, the first.
func (b *builder) fail(pid int, err error) {
	if n := len(b.fails); n > 0 && b.fails[n-1].PID == pid {
		return
	}
	b.fails = append(b.fails, proc.Failure{PID: pid, Err: err})
}

// failThread records the failure to read a thread of process pid, unless
// the thread has merely exited since its process's task/ was listed.
func (b *builder) failThread(pid int, err error) {
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	b.fail(pid, err)
}

// emptyStat is the error for a stat file that read empty: the process
// exited after the file was opened.
func emptyStat(name string) error {
	return &fs.PathError{Op: "read", Path: name, Err: proc.ErrGone}
}

// withPath names the file in a ParseError from parseStat.
func withPath(err error, name string) error {
	var pe *proc.ParseError
	if errors.As(err, &pe) && pe.Path == "" {
		cp := *pe
		cp.Path = name
		return &cp
	}
	return err
}
