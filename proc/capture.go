package proc

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// CaptureFile is the file at the root of a capture that records what a
// plain directory tree cannot hold.
const CaptureFile = "capture.json"

// CaptureInfo is the content of [CaptureFile].
type CaptureInfo struct {
	Time    time.Time `json:"time"`
	Kernel  string    `json:"kernel,omitempty"`
	Command []string  `json:"command,omitempty"`
	Note    string    `json:"note,omitempty"`
	PIDs    []int     `json:"pids"`
	// Links maps each captured link ("123/exe", "123/fd/3") to what lstat
	// and stat said of it at capture time.
	Links map[string]CapturedLink `json:"links,omitempty"`
	// Errors maps files that could not be read to the errno the kernel gave
	// ("EACCES"); reading them from the capture returns the same error.
	Errors map[string]string `json:"errors,omitempty"`
	// EmptyDirs lists directories that were empty, which version control
	// would drop.
	EmptyDirs []string `json:"empty_dirs,omitempty"`
}

// CapturedLink is what a capture records of one link.
type CapturedLink struct {
	LinkMode uint32 `json:"lmode"` // permission bits of the link itself
	Dev      uint64 `json:"dev"`
	Ino      uint64 `json:"ino"`
	Nlink    uint64 `json:"nlink"`
	Mode     uint32 `json:"mode"` // st_mode of the file behind the link
	// NoStat is set when the file behind the link could not be stat'ed;
	// StatLink on the capture then reports ErrNoFileID.
	NoStat bool `json:"no_stat,omitempty"`
}

// captureFiles are the per-process (and per-thread, for the first three)
// files a capture copies: everything the procscope packages read.
var (
	captureFiles = []string{"stat", "status", "comm", "cmdline", "environ", "statm", "maps", "mountinfo", "cgroup", "limits", "io", "wchan",
		"smaps_rollup", "oom_score_adj", "loginuid", "sessionid", "attr/current", "attr/apparmor/current", "attr/smack/current", "uid_map"}
	captureTaskFiles = []string{"stat", "status", "comm", "cmdline"}
	captureLinks     = []string{"exe", "cwd", "root"}
	captureNetFiles  = []string{"tcp", "tcp6", "udp", "udp6", "udplite", "udplite6", "raw", "raw6", "unix", "packet", "netlink"}
)

// CaptureOptions adjusts [Capture]. The zero value captures everything.
type CaptureOptions struct {
	Command []string // recorded in capture.json
	Note    string   // recorded in capture.json
}

// Capture copies the /proc files of the given processes from src into the
// directory dst, in the layout [NewDir] reads back: per process the files the
// procscope packages read, exe/cwd/root and fd/N as symbolic links, fdinfo,
// the threads under task/, the namespace links under ns/ and the network
// tables of the process's own namespace under net/, plus [CaptureFile].
//
// Files that could not be read are recorded with their errno, so the
// capture reproduces them. A process that vanished is an error.
func Capture(dst string, src *FS, pids []int, opts *CaptureOptions) (*CaptureInfo, error) {
	if opts == nil {
		opts = &CaptureOptions{}
	}
	info := &CaptureInfo{
		Time:    time.Now().UTC().Truncate(time.Second),
		Command: opts.Command,
		Note:    opts.Note,
		PIDs:    slices.Sorted(slices.Values(pids)),
		Links:   map[string]CapturedLink{},
		Errors:  map[string]string{},
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		info.Kernel = string(trimNL(b))
	}
	c := &capturer{src: src, dst: dst, info: info}
	for _, pid := range info.PIDs {
		if err := c.process(pid); err != nil {
			return nil, err
		}
	}
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dst, CaptureFile), append(b, '\n'), 0o644); err != nil {
		return nil, err
	}
	return info, nil
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
	}
	return b
}

type capturer struct {
	src  *FS
	dst  string
	info *CaptureInfo
}

func (c *capturer) process(pid int) error {
	p := c.src.Process(pid)
	if _, err := c.src.ReadFile(p.Path("stat")); err != nil {
		return fmt.Errorf("capture pid %d: %w", pid, err)
	}
	if err := os.MkdirAll(filepath.Join(c.dst, p.Path()), 0o755); err != nil {
		return err
	}
	for _, name := range captureFiles {
		if err := c.file(p.Path(name)); err != nil {
			return err
		}
	}
	for _, name := range captureLinks {
		if err := c.link(p.Path(name)); err != nil {
			return err
		}
	}
	if err := c.dir(p.Path("ns"), c.link); err != nil {
		return err
	}
	if err := c.dir(p.Path("fd"), c.link); err != nil {
		return err
	}
	if err := c.dir(p.Path("fdinfo"), c.file); err != nil {
		return err
	}
	for _, name := range captureNetFiles {
		if err := c.file(p.Path("net", name)); err != nil {
			return err
		}
	}
	tasks, err := p.Tasks()
	if err != nil {
		return c.record(p.Path("task"), err)
	}
	for _, t := range tasks {
		for _, name := range captureTaskFiles {
			if err := c.file(t.Path(name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// record notes an unreadable file in the capture. Only errors a capture can
// reproduce are kept; a file that does not exist is simply left out.
func (c *capturer) record(name string, err error) error {
	if errors.Is(err, fs.ErrNotExist) && !errors.Is(err, ErrGone) {
		return nil
	}
	if n, ok := nameOfErrno(err); ok {
		c.info.Errors[name] = n
		return nil
	}
	return fmt.Errorf("capture %s: %w", name, err)
}

func (c *capturer) file(name string) error {
	b, err := c.src.ReadFile(name)
	if err != nil {
		return c.record(name, err)
	}
	path := filepath.Join(c.dst, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func (c *capturer) link(name string) error {
	target, err := c.src.ReadLink(name)
	if err != nil {
		return c.record(name, err)
	}
	l := CapturedLink{}
	if fi, err := c.src.Lstat(name); err == nil {
		l.LinkMode = uint32(fi.Mode().Perm())
	}
	if id, err := c.src.StatLink(name); err == nil {
		l.Dev, l.Ino, l.Nlink, l.Mode = id.Dev, id.Ino, id.Nlink, rawMode(id.Mode)
	} else {
		// The link vanished between readlink and stat, or its target cannot
		// be followed: keep the target, and say that nothing else is known.
		l.NoStat = true
	}
	path := filepath.Join(c.dst, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	_ = os.Remove(path)
	if err := os.Symlink(target, path); err != nil {
		return err
	}
	c.info.Links[name] = l
	return nil
}

func (c *capturer) dir(name string, each func(string) error) error {
	ents, err := c.src.ReadDir(name)
	if err != nil {
		return c.record(name, err)
	}
	if len(ents) == 0 {
		c.info.EmptyDirs = append(c.info.EmptyDirs, name)
		return nil
	}
	for _, e := range ents {
		if err := each(name + "/" + e.Name()); err != nil {
			return err
		}
	}
	return nil
}
