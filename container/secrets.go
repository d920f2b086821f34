package container

import (
	"github.com/procscope/procscope/environ"
	"github.com/procscope/procscope/secret"
)

// The secret classifier (package secret) is called from here only.

// secrets reports the secrets in p's environment and command line, named
// with the kind of secret, never with the value.
func (c *checker) secrets() {
	env, err := environ.Read(c.p)
	if err != nil {
		c.fail(err, Secrets)
	} else {
		for _, s := range env.Secrets() {
			c.find(Secrets, Baseline, "environ", "%s", environ.Redact(env.Entries[s.Index]))
		}
	}
	args, err := c.p.Cmdline()
	if err != nil {
		c.fail(err, Secrets)
		return
	}
	for _, s := range secret.ClassifyArgs(args) {
		name := s.Name
		if name == "" {
			name = "a value"
		}
		c.find(Secrets, Baseline, "cmdline", "argument %d (%s) %s", s.Index, name, secret.Marker(s.Reason))
	}
}
