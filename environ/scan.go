package environ

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"

	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/secret"
)

// Source says where a [Finding] was found.
type Source string

// Sources of findings.
const (
	SourceEnviron Source = "environ"
	SourceCmdline Source = "cmdline"
)

// Finding is one secret in one process. It carries no value.
type Finding struct {
	PID    int    `json:"pid"`
	Comm   string `json:"comm"`
	Source Source `json:"source"`
	// Index is the entry's position in the environment, or the argument's
	// in the command line.
	Index int `json:"index"`
	// Name is the variable name, or "environ[N]" for an entry without '='
	// (its text is the secret); for a command line, the flag or variable
	// naming the value, or "argv[N]" when the value's shape gave it away.
	Name   string        `json:"name"`
	Reason secret.Reason `json:"reason"`
}

// Options controls [Scan]. The zero value scans every process's
// environment and command line.
type Options struct {
	// SkipCmdline leaves command lines out.
	SkipCmdline bool
	// PIDs limits the scan to these processes; nil means all.
	PIDs []int
}

// ScanResult is what [Scan] found.
type ScanResult struct {
	Findings []Finding `json:"findings"`
	// Processes is the number of processes listed (or given in
	// [Options.PIDs]). Each of them was scanned whole, or is in Failures.
	Processes int `json:"processes"`
	// Failures holds, in pid order, one entry per process that could not be
	// scanned whole: see [proc.Failure] for which are expected. A process
	// that exited matches [fs.ErrNotExist]; one whose environment the caller
	// may not read matches [fs.ErrPermission], and its command line, readable
	// by anyone, is still scanned.
	Failures []proc.Failure `json:"failures"`
}

// Scan classifies the environment and command line of every process of fsys,
// in pid order. A process that cannot be read, or exits while being read,
// is recorded in [ScanResult.Failures] and the scan goes on; comm is read
// only for processes with findings. opts may be nil.
//
// Scan checks ctx before each process: once ctx is done it reads no
// further process and returns what it found so far with ctx.Err(). The
// error is otherwise non-nil only when the processes cannot be listed.
func Scan(ctx context.Context, fsys *proc.FS, opts *Options) (*ScanResult, error) {
	if opts == nil {
		opts = &Options{}
	}
	res := &ScanResult{}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	pids := opts.PIDs
	if pids == nil {
		var err error
		if pids, err = fsys.PIDs(); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
	}
	res.Processes = len(pids)
	for _, pid := range pids {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		p := fsys.Process(pid)
		env, err := Read(p)
		envErr := err
		if err != nil {
			res.Failures = append(res.Failures, proc.Failure{PID: pid, Err: err})
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			// The command line is world-readable: still scan it.
		}
		// comm is read only for a process with findings: most have none,
		// and the read costs as much as environ's.
		comm, commRead := "", false
		getComm := func() string {
			if !commRead {
				comm, _ = p.Comm() // best effort: a finding without comm is still a finding
				commRead = true
			}
			return comm
		}
		for i, en := range env.Entries {
			if r := en.Classify(); r != "" {
				name := en.Name
				if en.NoEquals {
					name = "environ[" + strconv.Itoa(i) + "]"
				}
				res.Findings = append(res.Findings, Finding{PID: pid, Comm: getComm(), Source: SourceEnviron, Index: i, Name: name, Reason: r})
			}
		}
		if opts.SkipCmdline {
			continue
		}
		args, err := p.Cmdline()
		if err != nil {
			if envErr == nil {
				res.Failures = append(res.Failures, proc.Failure{PID: pid, Err: err})
			}
			continue
		}
		for _, s := range secret.ClassifyArgs(args) {
			name := s.Name
			if name == "" {
				name = "argv[" + strconv.Itoa(s.Index) + "]"
			}
			res.Findings = append(res.Findings, Finding{PID: pid, Comm: getComm(), Source: SourceCmdline, Index: s.Index, Name: name, Reason: s.Reason})
		}
	}
	return res, nil
}
