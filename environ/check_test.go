package environ

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/procscope/procscope/proc"
)

// statLine is a /proc/PID/stat line with the fields Read looks at.
func statLine(pid int, state byte, flags uint32, threads int, vsize uint64) string {
	return fmt.Sprintf("%d (app) %c 1 %d %d 0 -1 %d 100 0 0 0 0 0 0 0 20 0 %d 0 146990 %d 375 "+
		"18446744073709551615 1 1 1 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 1 1 1 1 1 1 1 0\n",
		pid, state, pid, pid, flags, threads, vsize)
}

// TestReadMapFS drives Read's empty-read decisions with hand-made trees.
func TestReadMapFS(t *testing.T) {
	const kthread = 0x00200000
	env := "A=1\x00B=2\x00"
	esrch := &fstest.MapFile{Data: []byte(`{"time": "2026-11-27T13:09:00Z", "pids": [10], "errors": {"10/environ": "ESRCH"}}`)}
	tests := []struct {
		name    string
		files   fstest.MapFS
		want    Env
		gone    bool
		wantErr error
	}{
		{"normal", fstest.MapFS{
			"10/environ": {Data: []byte(env)},
		}, Parse([]byte(env)), false, nil},
		{"empty environment of a live process (env -i)", fstest.MapFS{
			"10/environ": {Data: nil},
			"10/stat":    {Data: []byte(statLine(10, 'S', 0, 1, 3133440))},
		}, Env{}, false, nil},
		{"kernel thread", fstest.MapFS{
			"10/environ": {Data: nil},
			"10/stat":    {Data: []byte(statLine(10, 'S', kthread, 1, 0))},
		}, Env{}, false, nil},
		{"zombie", fstest.MapFS{
			"10/environ": {Data: nil},
			"10/stat":    {Data: []byte(statLine(10, 'Z', 0, 1, 0))},
		}, Env{}, true, nil},
		{"dead", fstest.MapFS{
			"10/environ": {Data: nil},
			"10/stat":    {Data: []byte(statLine(10, 'X', 0, 1, 0))},
		}, Env{}, true, nil},
		{"exiting: memory released, not yet a zombie", fstest.MapFS{
			"10/environ": {Data: nil},
			"10/stat":    {Data: []byte(statLine(10, 'R', 0, 1, 0))},
		}, Env{}, true, nil},
		{"stat vanished after the empty read", fstest.MapFS{
			"10/environ": {Data: nil},
		}, Env{}, true, nil},
		{"zombie leader, live thread", fstest.MapFS{
			"10/environ":         {Data: nil},
			"10/stat":            {Data: []byte(statLine(10, 'Z', 0, 2, 0))},
			"10/task/10/stat":    {Data: []byte(statLine(10, 'Z', 0, 2, 0))},
			"10/task/11/stat":    {Data: []byte(statLine(11, 'S', 0, 2, 3133440))},
			"10/task/11/environ": {Data: []byte(env)},
		}, Parse([]byte(env)), false, nil},
		{"unterminated, live", fstest.MapFS{
			"10/environ": {Data: []byte("A=1\x00B=2")},
			"10/stat":    {Data: []byte(statLine(10, 'S', 0, 1, 3133440))},
		}, Parse([]byte("A=1\x00B=2")), false, nil},
		{"unterminated, zombie", fstest.MapFS{
			"10/environ": {Data: []byte("A=1\x00B=2")},
			"10/stat":    {Data: []byte(statLine(10, 'Z', 0, 1, 0))},
		}, Env{}, true, nil},
		// Recent kernels fail the open with ESRCH instead of reading empty;
		// a capture replays that from its capture.json.
		{"ESRCH, kernel thread", fstest.MapFS{
			"capture.json": esrch,
			"10/stat":      {Data: []byte(statLine(10, 'S', kthread, 1, 0))},
		}, Env{}, false, nil},
		{"ESRCH, zombie", fstest.MapFS{
			"capture.json": esrch,
			"10/stat":      {Data: []byte(statLine(10, 'Z', 0, 1, 0))},
		}, Env{}, true, nil},
		{"ESRCH, zombie leader, live thread", fstest.MapFS{
			"capture.json":       esrch,
			"10/stat":            {Data: []byte(statLine(10, 'Z', 0, 2, 0))},
			"10/task/10/stat":    {Data: []byte(statLine(10, 'Z', 0, 2, 0))},
			"10/task/11/stat":    {Data: []byte(statLine(11, 'S', 0, 2, 3133440))},
			"10/task/11/environ": {Data: []byte(env)},
		}, Parse([]byte(env)), false, nil},
		{"ESRCH, stat unreadable", fstest.MapFS{
			"capture.json": esrch,
		}, Env{}, true, nil},
		{"no such process", fstest.MapFS{
			"11/environ": {Data: []byte(env)},
		}, Env{}, false, fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read(proc.New(tt.files).Process(10))
			switch {
			case tt.gone:
				if !errors.Is(err, proc.ErrGone) || !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("Read = %v, %v; want an error matching proc.ErrGone and fs.ErrNotExist", got, err)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Read error = %v, want %v", err, tt.wantErr)
				}
			case err != nil:
				t.Fatalf("Read error = %v", err)
			}
			if string(got.Bytes()) != string(tt.want.Bytes()) || got.Unterminated != tt.want.Unterminated {
				t.Errorf("Read = %q (unterminated %v), want %q (unterminated %v)", got.Bytes(), got.Unterminated, tt.want.Bytes(), tt.want.Unterminated)
			}
		})
	}
}
