//go:build linux

package environ

import (
	"errors"
	"io/fs"
	"slices"
	"testing"

	"github.com/procscope/procscope/internal/fixtures"
	"github.com/procscope/procscope/proc"
	"github.com/procscope/procscope/secret"
)

func TestScanLive(t *testing.T) {
	c := startChild(t, liveEnv, "--db-password=Zx8qP2mL5v", "postgres://app:Hu7xq2Lp@db/app")
	z := startChild(t, liveEnv)
	z.exitZombie(t)
	res, err := Scan(proc.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var mine []Finding
	for _, f := range res.Findings {
		if f.PID == c.p.Pid {
			mine = append(mine, f)
		}
		if f.PID == z.p.Pid && f.Source == SourceEnviron {
			t.Errorf("finding in the zombie's environment: %+v", f)
		}
	}
	want := []Finding{
		{PID: c.p.Pid, Source: SourceEnviron, Index: 1, Name: "DB_PASSWORD", Reason: secret.ReasonPassword},
		{PID: c.p.Pid, Source: SourceEnviron, Index: 2, Name: "GITHUB_TOKEN", Reason: "github-token"},
		{PID: c.p.Pid, Source: SourceCmdline, Index: 2, Name: "--db-password", Reason: secret.ReasonPassword},
		{PID: c.p.Pid, Source: SourceCmdline, Index: 3, Name: "argv[3]", Reason: secret.ReasonURLPassword},
	}
	for i := range mine {
		if mine[i].Comm == "" {
			t.Errorf("finding %d has no comm", i)
		}
		mine[i].Comm = ""
	}
	if !slices.Equal(mine, want) {
		t.Errorf("findings for the child = %+v\nwant %+v", mine, want)
	}
	if res.Gone < 1 {
		t.Errorf("Gone = %d; the zombie child should count", res.Gone)
	}
	if res.Scanned+res.Gone+res.Unreadable != res.Processes {
		t.Errorf("counts do not add up: %+v", res)
	}
}

// TestScanFixtureUnreadable: init is unreadable in the capture; it is
// counted, its error kept, and the scan goes on.
func TestScanFixtureUnreadable(t *testing.T) {
	res, err := Scan(fixtures.FS(t, "init"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Unreadable != 1 || len(res.Errors) != 1 || !errors.Is(res.Errors[0], fs.ErrPermission) {
		t.Errorf("Scan(init fixture) = %+v, errors %v; want 1 unreadable with a permission error", res, res.Errors)
	}
}

func TestCountSecretsAndRecords(t *testing.T) {
	c := startChild(t, liveEnv)
	p := proc.Default().Process(c.p.Pid)
	n, err := CountSecrets(p)
	if err != nil || n != 2 {
		t.Errorf("CountSecrets = %d, %v; want 2", n, err)
	}
	recs, err := ReadRecords(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := recs[1].Value; v == nil || *v != "<redacted:password>" || !recs[1].Secret {
		t.Errorf("record 1 = %+v; want redacted password", recs[1])
	}
	if recs[3].NameBase64 == "" || recs[3].ValueBase64 == "" || recs[4].Value != nil {
		t.Errorf("records 3, 4 = %+v, %+v; want base64 fields, then a nil value", recs[3], recs[4])
	}
}
