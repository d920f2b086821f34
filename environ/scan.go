package environ

import (
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
	// Name is the variable name; for a command line, the flag or variable
	// naming the value, or "argv[N]" when the value's shape gave it away.
	Name   string        `json:"name"`
	Reason secret.Reason `json:"reason"`
}

// ScanOptions controls [Scan]. The zero value scans every process's
// environment and command line.
type ScanOptions struct {
	// SkipCmdline leaves command lines out.
	SkipCmdline bool
	// PIDs limits the scan to these processes; nil means all.
	PIDs []int
}

// ScanResult is what [Scan] found.
type ScanResult struct {
	Findings []Finding `json:"findings"`
	// Processes is the number of processes listed; Scanned those whose
	// environment was read (an empty one included), Gone those that exited
	// before they could be read, Unreadable the rest.
	Processes  int `json:"processes"`
	Scanned    int `json:"scanned"`
	Gone       int `json:"gone"`
	Unreadable int `json:"unreadable"`
	// Errors holds one error per unreadable process, naming the file; they
	// match fs.ErrPermission when the caller lacks ptrace access.
	Errors []error `json:"-"`
}

// Scan classifies the environment and command line of every process of f,
// in pid order. A process that exits while being read is counted in Gone,
// one whose environment cannot be read in Unreadable (with its error in
// Errors; its command line, readable by anyone, is still scanned): neither
// stops the scan. comm is read only for processes with findings. The error
// is non-nil only when the processes cannot be listed. opts may be nil.
func Scan(f *proc.FS, opts *ScanOptions) (*ScanResult, error) {
	if opts == nil {
		opts = &ScanOptions{}
	}
	pids := opts.PIDs
	if pids == nil {
		var err error
		if pids, err = f.PIDs(); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
	}
	res := &ScanResult{Processes: len(pids)}
	for _, pid := range pids {
		p := f.Process(pid)
		env, err := Read(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			res.Gone++
			continue
		case err != nil:
			res.Unreadable++
			res.Errors = append(res.Errors, fmt.Errorf("pid %d: %w", pid, err))
			// The command line is world-readable: still scan it.
		default:
			res.Scanned++
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
				res.Findings = append(res.Findings, Finding{PID: pid, Comm: getComm(), Source: SourceEnviron, Index: i, Name: en.Name, Reason: r})
			}
		}
		if opts.SkipCmdline {
			continue
		}
		args, err := p.Cmdline()
		if err != nil {
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

// CountSecrets returns the number of secret entries in p's environment,
// for a per-process column. It returns Read's error when the environment
// cannot be read.
func CountSecrets(p proc.Process) (int, error) {
	env, err := Read(p)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, en := range env.Entries {
		if en.Classify() != "" {
			n++
		}
	}
	return n, nil
}

// ReadRecords reads p's environment and returns it as redacted [Record]s
// (nil opts), ready for JSON: the form inspect -json shows under "env".
func ReadRecords(p proc.Process, opts *RecordOptions) ([]Record, error) {
	env, err := Read(p)
	if err != nil {
		return nil, err
	}
	return env.Records(opts), nil
}
