package proc

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/procscope/procscope/internal/num"
	"github.com/procscope/procscope/internal/oneline"
)

// procfs's Namespaces keys namespaces by a string inode and cannot read a
// capture, where the links must be read and never followed; Namespaces
// reads each link's text only.

// Namespace is one link of /proc/PID/ns: the namespace a process is in (or,
// for pid_for_children and time_for_children, the one its children will
// be in). Two processes are in the same namespace when Type and Inode are
// equal. See namespaces(7).
type Namespace struct {
	// Name is the link's name: "cgroup", "ipc", "mnt", "net", "pid",
	// "pid_for_children", "time", "time_for_children", "user", "uts".
	Name string
	// Type is the namespace type from the link's text, such as "pid" for
	// both pid and pid_for_children.
	Type string
	// Inode is the namespace's inode number on the nsfs file system, as
	// lsns(8) shows it.
	Inode uint64
}

// ParseNamespace parses the text of a namespace link, "TYPE:[INODE]".
func ParseNamespace(link string) (typ string, inode uint64, err error) {
	t, rest, ok := strings.Cut(link, ":[")
	if !ok || t == "" || !strings.HasSuffix(rest, "]") {
		return "", 0, parseErr("link", link, errSyntax)
	}
	n, ok := num.Uint([]byte(rest[:len(rest)-1]))
	if !ok {
		return "", 0, parseErr("inode", rest[:len(rest)-1], errSyntax)
	}
	return t, n, nil
}

// Namespace reads the link /proc/PID/ns/NAME, such as Namespace("net").
// The link is read, never followed, so this works on a capture.
func (p Process) Namespace(name string) (Namespace, error) {
	return readNamespace(p.fs, p.Path("ns", name), name)
}

func readNamespace(f *FS, path, name string) (Namespace, error) {
	link, err := f.ReadLink(path)
	if err != nil {
		return Namespace{}, err
	}
	t, ino, err := ParseNamespace(link)
	if err != nil {
		return Namespace{}, withPath(err, path)
	}
	return Namespace{Name: name, Type: t, Inode: ino}, nil
}

// Namespaces reads every link in /proc/PID/ns, sorted by name. A link that
// could not be read (pid_for_children of a process that called
// unshare(CLONE_NEWPID) and has not forked yet, for one) is left out and
// its error joined into the returned error; the others are returned with
// it. An error reading the directory itself (the process is gone, or
// belongs to another user) returns no namespaces.
func (p Process) Namespaces() ([]Namespace, error) {
	dir := p.Path("ns")
	ents, err := p.fs.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	nss := make([]Namespace, 0, len(ents))
	var errs []error
	for _, e := range ents {
		ns, err := readNamespace(p.fs, dir+"/"+e.Name(), e.Name())
		if err != nil {
			errs = append(errs, err)
			continue
		}
		nss = append(nss, ns)
	}
	if len(nss) == 0 && len(errs) > 0 && errors.Is(errs[0], fs.ErrNotExist) {
		return nil, errs[0]
	}
	return nss, oneline.Join(errs)
}
