package proc

import (
	"bytes"
	"errors"
	"io/fs"
	"strings"
	"syscall"
)

// procfs has no reader for the LSM label.

// LSM names the Linux security module that gave a label.
type LSM string

// The security modules whose labels [Process.Attr] tells apart.
const (
	// LSMNone means no security module that labels processes is active:
	// the kernel refused to read attr/current (EINVAL).
	LSMNone     LSM = "none"
	LSMAppArmor LSM = "apparmor"
	LSMSELinux  LSM = "selinux"
	LSMSmack    LSM = "smack"
	// LSMUnknown is a label whose module the file and format do not tell.
	LSMUnknown LSM = "unknown"
)

// Attr is a process's security label: the content of
// /proc/PID/attr/apparmor/current, attr/smack/current or attr/current.
type Attr struct {
	LSM LSM
	// Label is the label as the kernel gave it, without the trailing
	// newline or NUL: an AppArmor "profile (mode)" or "unconfined", an
	// SELinux context "user:role:type:level". Empty for LSMNone.
	Label string
	// Profile and Mode are an AppArmor label's parts: "unconfined" has
	// Profile "unconfined" and Mode ""; "/usr/bin/x (enforce)" has
	// Profile "/usr/bin/x" and Mode "enforce".
	Profile string
	Mode    string
	// Context is an SELinux label's parts.
	Context SELinuxContext
}

// SELinuxContext is an SELinux security context "user:role:type[:level]".
// Level (the MLS/MCS range) may itself hold colons.
type SELinuxContext struct {
	User  string
	Role  string
	Type  string
	Level string
}

// Unconfined reports whether the label puts no restriction on the process
// by name: no LSM, AppArmor's "unconfined", or SELinux's unconfined_t,
// spc_t (super privileged container), kernel_t or initrc_t.
func (a Attr) Unconfined() bool {
	switch a.LSM {
	case LSMNone:
		return true
	case LSMAppArmor:
		return a.Profile == "unconfined" || a.Mode == "unconfined"
	case LSMSELinux:
		switch a.Context.Type {
		case "unconfined_t", "spc_t", "kernel_t", "initrc_t":
			return true
		}
	}
	return false
}

// ParseAttr parses a label read from attr/current, telling the module by
// the format: AppArmor's "unconfined" or "NAME (MODE)", SELinux's
// "user:role:type[:level]"; anything else is [LSMUnknown] with the label
// kept. An empty label is an error.
func ParseAttr(b []byte) (Attr, error) {
	label, err := trimLabel(b)
	if err != nil {
		return Attr{}, err
	}
	if a, ok := appArmorLabel(label); ok {
		return a, nil
	}
	if a, ok := seLinuxLabel(label); ok {
		return a, nil
	}
	return Attr{LSM: LSMUnknown, Label: label}, nil
}

// trimLabel removes the newline (AppArmor, Smack) or NUL (SELinux) that
// ends a label.
func trimLabel(b []byte) (string, error) {
	b = bytes.TrimRight(b, "\n\x00")
	if len(b) == 0 {
		return "", parseErr("label", "", errTruncated)
	}
	if bytes.IndexByte(b, '\n') >= 0 {
		return "", parseErr("label", string(b), errSyntax)
	}
	return string(b), nil
}

func appArmorLabel(label string) (Attr, bool) {
	if label == "unconfined" {
		return Attr{LSM: LSMAppArmor, Label: label, Profile: label}, true
	}
	// The profile name may hold blanks and parentheses; the mode is the
	// last parenthesised word.
	i := strings.LastIndex(label, " (")
	if i <= 0 || !strings.HasSuffix(label, ")") {
		return Attr{}, false
	}
	mode := label[i+2 : len(label)-1]
	if mode == "" || strings.ContainsAny(mode, " ()") {
		return Attr{}, false
	}
	return Attr{LSM: LSMAppArmor, Label: label, Profile: label[:i], Mode: mode}, true
}

func seLinuxLabel(label string) (Attr, bool) {
	parts := strings.SplitN(label, ":", 4)
	if len(parts) < 3 || strings.ContainsAny(label, " \t") {
		return Attr{}, false
	}
	for _, p := range parts[:3] {
		if p == "" {
			return Attr{}, false
		}
	}
	c := SELinuxContext{User: parts[0], Role: parts[1], Type: parts[2]}
	if len(parts) == 4 {
		c.Level = parts[3]
	}
	return Attr{LSM: LSMSELinux, Label: label, Context: c}, true
}

// readAttr reads the label the way libapparmor and libselinux do: the
// module's own file first (attr/apparmor/current, attr/smack/current), then
// the shared attr/current. A module that is built in but not active
// answers EINVAL; when attr/current does too, no module labels processes.
func readAttr(f *FS, dir string) (Attr, error) {
	for _, own := range []struct {
		lsm  LSM
		file string
	}{{LSMAppArmor, "apparmor/current"}, {LSMSmack, "smack/current"}} {
		var a Attr
		name := dir + "/" + own.file
		err := f.parseFile(name, func(b []byte) error {
			label, err := trimLabel(b)
			if err != nil {
				return err
			}
			a = Attr{LSM: own.lsm, Label: label}
			if own.lsm == LSMAppArmor {
				if aa, ok := appArmorLabel(label); ok {
					a = aa
				}
			}
			return nil
		})
		switch {
		case err == nil:
			return a, nil
		case errors.Is(err, fs.ErrNotExist) && !errors.Is(err, ErrGone), errors.Is(err, syscall.EINVAL):
			continue // not built in, or not active
		default:
			return Attr{}, err
		}
	}
	var a Attr
	err := f.parseFile(dir+"/current", func(b []byte) (err error) {
		a, err = ParseAttr(b)
		return err
	})
	if errors.Is(err, syscall.EINVAL) {
		return Attr{LSM: LSMNone}, nil
	}
	return a, err
}
