package tree

import (
	"fmt"
	"io/fs"
	"strconv"

	"github.com/procscope/procscope/proc"
)

// ReadAncestors returns pid's ancestors from its parent up to the root as
// pid/comm pairs, reading only the stat files along the way: the cheap way to
// fill inspect -json's "ancestors" key without a whole [Scan]. The chain
// stops at a PPID of 0, at a parent that has exited or cannot be read, and
// at a parent that started after its child (its pid was reused). It returns
// an error only when pid's own stat cannot be read or parsed: one matching
// [fs.ErrNotExist] when the process does not exist.
func ReadAncestors(fsys *proc.FS, pid int) ([]Ancestor, error) {
	st, err := readStat(fsys, pid)
	if err != nil {
		return nil, err
	}
	a := []Ancestor{}
	for seen := 0; st.ppid != 0 && st.ppid != st.pid && seen < 1<<16; seen++ {
		p, err := readStat(fsys, st.ppid)
		if err != nil || p.startTime > st.startTime {
			break
		}
		a = append(a, Ancestor{PID: p.pid, Comm: string(p.comm)})
		st = p
	}
	return a, nil
}

func readStat(fsys *proc.FS, pid int) (statFields, error) {
	name := strconv.Itoa(pid) + "/stat"
	b, err := fsys.ReadFile(name)
	if err != nil {
		return statFields{}, err
	}
	if len(b) == 0 {
		return statFields{}, &fs.PathError{Op: "read", Path: name, Err: proc.ErrGone}
	}
	st, err := parseStat(b)
	if err != nil {
		return statFields{}, withPath(err, name)
	}
	if st.pid != pid {
		return statFields{}, withPath(&proc.ParseError{Field: "pid", Value: strconv.Itoa(st.pid), Err: fmt.Errorf("want %d", pid)}, name)
	}
	return st, nil
}
