package proc

import (
	"strconv"
	"strings"
)

// Process is a handle for one process. Creating it does no I/O; each reader
// reads its file when called. The zero Process is not usable: get one from
// [FS.Process] or [FS.All].
type Process struct {
	PID int
	fs  *FS
}

// FS returns the tree the process is read from.
func (p Process) FS() *FS { return p.fs }

// Path returns the name of a file of the process relative to the FS root:
// Path("fd", "3") is "PID/fd/3", Path() is "PID".
func (p Process) Path(elem ...string) string { return joinPath(strconv.Itoa(p.PID), elem) }

func joinPath(base string, elem []string) string {
	if len(elem) == 0 {
		return base
	}
	return base + "/" + strings.Join(elem, "/")
}

// ReadFile returns the content of the process's file name, such as "environ".
func (p Process) ReadFile(name string) ([]byte, error) { return p.fs.ReadFile(p.Path(name)) }

// Stat reads /proc/PID/stat.
func (p Process) Stat() (Stat, error) { return readStat(p.fs, p.Path("stat")) }

// Status reads /proc/PID/status.
func (p Process) Status() (Status, error) { return readStatus(p.fs, p.Path("status")) }

// Comm reads /proc/PID/comm: the command name as raw bytes, without the
// newline the kernel appends.
func (p Process) Comm() (string, error) { return readComm(p.fs, p.Path("comm")) }

// Cmdline reads /proc/PID/cmdline. See [ParseCmdline] for the format.
func (p Process) Cmdline() (args []string, err error) {
	err = p.fs.withFile(p.Path("cmdline"), func(b []byte) error {
		args = ParseCmdline(b) // copies the bytes once, into one string
		return nil
	})
	return args, err
}

// Exe reads the /proc/PID/exe link and the file behind it.
func (p Process) Exe() (Exe, error) { return readExe(p.fs, p.Path("exe")) }

// Cwd returns the target of /proc/PID/cwd, the working directory.
func (p Process) Cwd() (string, error) { return p.fs.ReadLink(p.Path("cwd")) }

// Root returns the target of /proc/PID/root, the root directory (not "/"
// inside a chroot or another mount namespace).
func (p Process) Root() (string, error) { return p.fs.ReadLink(p.Path("root")) }

// Tasks lists the threads in /proc/PID/task, in numeric order. The thread
// group leader is one of them, with TID equal to PID.
func (p Process) Tasks() ([]Task, error) {
	tids, err := p.fs.numericDir(p.Path("task"))
	if err != nil {
		return nil, err
	}
	tasks := make([]Task, len(tids))
	for i, tid := range tids {
		tasks[i] = Task{PID: p.PID, TID: tid, fs: p.fs}
	}
	return tasks, nil
}

// Task returns a handle for the thread tid of the process. It does no I/O.
func (p Process) Task(tid int) Task { return Task{PID: p.PID, TID: tid, fs: p.fs} }

// Task is a handle for one thread, /proc/PID/task/TID.
type Task struct {
	PID int
	TID int
	fs  *FS
}

// Path returns the name of a file of the thread relative to the FS root.
func (t Task) Path(elem ...string) string {
	return joinPath(strconv.Itoa(t.PID)+"/task/"+strconv.Itoa(t.TID), elem)
}

// Stat reads /proc/PID/task/TID/stat.
func (t Task) Stat() (Stat, error) { return readStat(t.fs, t.Path("stat")) }

// Status reads /proc/PID/task/TID/status.
func (t Task) Status() (Status, error) { return readStatus(t.fs, t.Path("status")) }

// Comm reads /proc/PID/task/TID/comm, the thread's name.
func (t Task) Comm() (string, error) { return readComm(t.fs, t.Path("comm")) }

// Cgroup reads /proc/PID/cgroup: the process's cgroup in each hierarchy.
func (p Process) Cgroup() ([]Cgroup, error) { return readCgroup(p.fs, p.Path("cgroup")) }

// MountInfo reads /proc/PID/mountinfo: the mounts of the process's mount
// namespace, as seen from its root directory.
func (p Process) MountInfo() ([]Mount, error) { return readMountInfo(p.fs, p.Path("mountinfo")) }

// Attr reads the process's security label from /proc/PID/attr: AppArmor's
// attr/apparmor/current, Smack's attr/smack/current, or attr/current
// (SELinux, or AppArmor on kernels before 5.8). When no module labels
// processes, it returns an Attr whose LSM is [LSMNone], not an error.
func (p Process) Attr() (Attr, error) { return readAttr(p.fs, p.Path("attr")) }
