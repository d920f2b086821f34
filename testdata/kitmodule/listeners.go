// Package kitmodule is a tool outside the procscope module, as a user
// would write one: its tests build fake /proc trees with
// github.com/procscope/procscope/proctest, which proves the kit usable
// from another module (.ci/run runs them).
package kitmodule

import (
	"errors"
	"io/fs"

	"github.com/procscope/procscope/environ"
	"github.com/procscope/procscope/fd"
	"github.com/procscope/procscope/proc"
)

// Listener is a process with a listening TCP socket.
type Listener struct {
	PID     int
	Comm    string
	Cmdline []string
	Addr    string
	Cgroup  string
	User    string // the USER variable of its environment, "" when unreadable
}

// Listeners lists the processes of fsys that listen on TCP, skipping those
// that exit or cannot be read.
func Listeners(fsys *proc.FS) ([]Listener, error) {
	var out []Listener
	for p, err := range fsys.All() {
		if err != nil {
			return nil, err
		}
		fds, err := fd.List(p, nil)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			continue
		}
		for _, f := range fds {
			if f.Socket == nil || f.Socket.StateName() != "LISTEN" || (f.Socket.Proto != "tcp" && f.Socket.Proto != "tcp6") {
				continue
			}
			st, err := p.Stat()
			if err != nil {
				return nil, err
			}
			args, _ := p.Cmdline()
			l := Listener{PID: p.PID, Comm: st.Comm, Cmdline: args, Addr: f.Socket.LocalAddr()}
			if cg, err := p.Cgroup(); err == nil && len(cg) > 0 {
				l.Cgroup = cg[len(cg)-1].Path
			}
			if env, err := environ.Read(p); err == nil {
				l.User, _ = env.Lookup("USER")
			}
			out = append(out, l)
		}
	}
	return out, nil
}
