//go:build linux

package procscope_test

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/procscope/procscope/internal/testexe"
)

const (
	privateDirEnv    = "PROCSCOPE_PRIVATE_CAPTURE"
	privatePIDEnv    = "PROCSCOPE_PRIVATE_PID"
	privateSecretEnv = "PROCSCOPE_PRIVATE_SECRET"
)

// TestCapturePrivate captures a child holding a known value in its
// environment with examples/capture, then reads the capture back as user
// 65534 with inspect and procenv (-show-secrets, -raw): the value must not
// come out, neither from the capture as written (its directory is 0700) nor
// once its directories are opened to all (environ stays 0400).
func TestCapturePrivate(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to switch to an unprivileged user")
	}
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv (util-linux) not installed")
	}
	bin := testexe.Dir(t)
	build := exec.Command("go", "build", "-o", bin+"/", "./examples/capture", "./examples/inspect", "./examples/procenv")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	secret := "planted-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	child := exec.Command("sleep", "1000")
	child.Env = []string{"PLANTED_VALUE=" + secret}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	pid := strconv.Itoa(child.Process.Pid)
	for i := 0; ; i++ {
		if b, _ := os.ReadFile("/proc/" + pid + "/environ"); strings.Contains(string(b), secret) {
			break
		}
		if i == 500 {
			t.Fatal("the child's environment never held the value")
		}
		time.Sleep(10 * time.Millisecond)
	}
	dir := filepath.Join(testexe.Dir(t), "capture")
	if out, err := exec.Command(filepath.Join(bin, "capture"), "-o", dir, pid).CombinedOutput(); err != nil {
		t.Fatalf("capture: %v\n%s", err, out)
	}
	if b, err := os.ReadFile(filepath.Join(dir, pid, "environ")); err != nil || !strings.Contains(string(b), secret) {
		t.Fatalf("the capture does not hold the value (%v): the test would prove nothing", err)
	}
	env := []string{examplesEnv + "=" + bin, privateDirEnv + "=" + dir, privatePIDEnv + "=" + pid, privateSecretEnv + "=" + secret}
	t.Log(asNobody(t, "TestCapturePrivateInside", nil, env...))

	// Open every directory and capture.json to all: the captured files'
	// own modes (0400) still keep environ.
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			err = os.Chmod(path, 0o755)
		}
		return err
	})
	os.Chmod(filepath.Join(dir, "capture.json"), 0o644)
	t.Log(asNobody(t, "TestCapturePrivateInside", nil, append(env, privateDirEnv+"_OPEN=1")...))
}

func TestCapturePrivateInside(t *testing.T) {
	dir, pid, secret := os.Getenv(privateDirEnv), os.Getenv(privatePIDEnv), os.Getenv(privateSecretEnv)
	if dir == "" || os.Geteuid() == 0 {
		t.Skip("run by TestCapturePrivate as an unprivileged user")
	}
	bin := os.Getenv(examplesEnv)
	denied := 0
	for _, args := range [][]string{
		{"inspect", "-root", dir, pid}, {"inspect", "-json", "-root", dir, pid},
		{"procenv", "-root", dir, "-show-secrets", pid}, {"procenv", "-root", dir, "-raw", pid},
		{"procenv", "-root", dir, "-json", "-show-secrets", pid},
	} {
		out, _ := exec.Command(filepath.Join(bin, args[0]), args[1:]...).CombinedOutput()
		if strings.Contains(string(out), secret) {
			t.Errorf("%v as nobody printed the captured environment:\n%s", args, out)
		}
		if strings.Contains(string(out), "permission denied") {
			denied++
		}
		t.Logf("%v:\n%s", args, out)
	}
	if denied == 0 {
		t.Error("no example said permission denied: were the files read at all?")
	}
	if os.Getenv(privateDirEnv+"_OPEN") != "" {
		// The directories are open: the file itself refuses.
		out, _ := exec.Command(filepath.Join(bin, "procenv"), "-root", dir, "-raw", pid).CombinedOutput()
		if !strings.Contains(string(out), pid+"/environ: permission denied") {
			t.Errorf("procenv -raw of the opened capture:\n%s\nwant the environ file refused", out)
		}
	}
}
