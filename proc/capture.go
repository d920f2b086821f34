package proc

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
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
	// Additions records each later run of [Capture] with
	// [CaptureOptions.Add] that added processes to the capture; Time,
	// Kernel, Command and Note above are those of the first run.
	Additions []CaptureAddition `json:"additions,omitempty"`
}

// CaptureAddition is what a capture records of a run that added processes
// to it.
type CaptureAddition struct {
	Time    time.Time `json:"time"`
	Kernel  string    `json:"kernel,omitempty"`
	Command []string  `json:"command,omitempty"`
	Note    string    `json:"note,omitempty"`
	PIDs    []int     `json:"pids"`
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
	// Add adds the processes to the capture already in dst, merging its
	// capture.json, instead of refusing a directory that is not empty. A
	// pid the capture already holds is then an error.
	Add bool
}

// Capture copies the /proc files of the given processes from src into the
// directory dst, in the layout [NewDir] reads back: per process the files the
// procscope packages read, exe/cwd/root and fd/N as symbolic links, fdinfo,
// the threads under task/, the namespace links under ns/ and the network
// tables of the process's own namespace under net/, plus [CaptureFile]. A
// pid given twice is captured once.
//
// A capture is private: dst (created when missing, with its missing parents)
// and every directory under it get mode 0700, each file the permission bits
// of its source masked to the owner (so environ stays 0400, as in /proc, and
// a file readable by all is 0400 too), and capture.json 0600. Nobody but the
// owner (and root) can read it, whatever the umask.
//
// dst must be missing or empty, unless [CaptureOptions.Add] is set and dst
// holds a capture. A failed capture removes everything it created, and
// leaves an existing capture.json as it was: capture.json is written last,
// by rename.
//
// Files that could not be read are recorded with their errno, so the
// capture reproduces them. A process that vanished is an error.
func Capture(dst string, src *FS, pids []int, opts *CaptureOptions) (_ *CaptureInfo, err error) {
	if opts == nil {
		opts = &CaptureOptions{}
	}
	pids = slices.Compact(slices.Sorted(slices.Values(pids)))
	now := time.Now().UTC().Truncate(time.Second)
	var kernel string
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = string(trimNL(b))
	}
	info := &CaptureInfo{
		Time:    now,
		Kernel:  kernel,
		Command: opts.Command,
		Note:    opts.Note,
		PIDs:    pids,
		Links:   map[string]CapturedLink{},
		Errors:  map[string]string{},
	}
	old, created, err := prepareCapture(dst, pids, opts.Add)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			for _, p := range created {
				os.RemoveAll(p)
			}
		}
	}()
	c := &capturer{src: src, dst: dst, info: info}
	for _, pid := range pids {
		pidDir := filepath.Join(dst, strconv.Itoa(pid))
		if err := os.Mkdir(pidDir, 0o700); err != nil {
			return nil, fmt.Errorf("capture pid %d: %w", pid, err)
		}
		created = append(created, pidDir)
		if err := c.process(pid); err != nil {
			return nil, err
		}
	}
	if old != nil {
		info = old.merge(info)
	}
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeAtomic(filepath.Join(dst, CaptureFile), append(b, '\n')); err != nil {
		return nil, err
	}
	return info, nil
}

// prepareCapture makes dst ready for a capture of pids. It returns the
// capture already there (with add), and what it created, for a failed
// capture to remove.
func prepareCapture(dst string, pids []int, add bool) (old *CaptureInfo, created []string, err error) {
	fi, err := os.Stat(dst)
	if errors.Is(err, fs.ErrNotExist) {
		// Create dst and its missing parents, 0700 each; remember the
		// topmost one created.
		top := dst
		for p := filepath.Dir(dst); p != top; p = filepath.Dir(p) {
			if _, err := os.Lstat(p); err == nil {
				break
			}
			top = p
		}
		if err := os.MkdirAll(dst, 0o700); err != nil {
			return nil, nil, err
		}
		return nil, []string{top}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if !fi.IsDir() {
		return nil, nil, &fs.PathError{Op: "capture", Path: dst, Err: syscall.ENOTDIR}
	}
	ents, err := os.ReadDir(dst)
	if err != nil {
		return nil, nil, err
	}
	if len(ents) == 0 {
		return nil, nil, os.Chmod(dst, 0o700)
	}
	if !add {
		return nil, nil, fmt.Errorf("capture %s: directory not empty (add to the capture there, or choose another)", dst)
	}
	f, err := NewDir(dst)
	if err != nil {
		return nil, nil, err
	}
	if old, err = f.Capture(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", dst, err)
	}
	if old == nil {
		return nil, nil, fmt.Errorf("capture %s: directory not empty and holds no %s", dst, CaptureFile)
	}
	for _, pid := range pids {
		if slices.Contains(old.PIDs, pid) {
			return nil, nil, fmt.Errorf("capture %s: already holds pid %d", dst, pid)
		}
	}
	return old, nil, nil
}

// merge returns c with the processes of the later capture n added.
func (c *CaptureInfo) merge(n *CaptureInfo) *CaptureInfo {
	m := *c
	m.PIDs = slices.Sorted(slices.Values(append(slices.Clone(c.PIDs), n.PIDs...)))
	m.Links = maps.Clone(c.Links)
	if m.Links == nil {
		m.Links = map[string]CapturedLink{}
	}
	maps.Copy(m.Links, n.Links)
	m.Errors = maps.Clone(c.Errors)
	if m.Errors == nil {
		m.Errors = map[string]string{}
	}
	maps.Copy(m.Errors, n.Errors)
	m.EmptyDirs = append(slices.Clone(c.EmptyDirs), n.EmptyDirs...)
	m.Additions = append(slices.Clone(c.Additions), CaptureAddition{
		Time: n.Time, Kernel: n.Kernel, Command: n.Command, Note: n.Note, PIDs: n.PIDs,
	})
	return &m
}

// writeAtomic writes a private (0600) file by rename, so that a reader, or
// a failure, never sees half of it.
func writeAtomic(name string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
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
	// The source's permission bits, masked to the owner: 0400 for most
	// /proc files, environ included.
	perm := fs.FileMode(0o400)
	if fi, err := c.src.Lstat(name); err == nil {
		perm = fi.Mode().Perm() & 0o700
	}
	path := filepath.Join(c.dst, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
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
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
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
