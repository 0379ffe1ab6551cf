package shared

import (
	"bufio"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

const parentRoleEnv = "SHARED_TEST_PARENT_ROLE"

// TestParentWatchHelper is not a test: it is the process the parent-watch
// test starts, in one of two roles.
func TestParentWatchHelper(t *testing.T) {
	switch os.Getenv(parentRoleEnv) {
	case "host":
		// Start a plugin-like child, tell the test its pid, and die
		// without stopping it.
		cmd := exec.Command(os.Args[0], "-test.run=^TestParentWatchHelper$")
		cmd.Env = append(os.Environ(), parentRoleEnv+"=plugin")
		ready, err := cmd.StdoutPipe()
		if err != nil || cmd.Start() != nil {
			os.Exit(2)
		}
		// Die only once the child watches, as a host would after the
		// handshake.
		if _, err := bufio.NewReader(ready).ReadString('\n'); err != nil {
			os.Exit(2)
		}
		os.Stdout.WriteString(strconv.Itoa(cmd.Process.Pid) + "\n")
		os.Exit(0)
	case "plugin":
		go watchParent(20*time.Millisecond, func() { os.Exit(0) })
		time.Sleep(100 * time.Millisecond) // the watch has read its parent by now
		os.Stdout.WriteString("watching\n")
		time.Sleep(time.Minute)
		os.Exit(1)
	}
}

func TestPluginExitsWhenItsHostDies(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	host := exec.Command(os.Args[0], "-test.run=^TestParentWatchHelper$")
	host.Env = append(os.Environ(), parentRoleEnv+"=host")
	out, err := host.Output()
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("host helper printed %q", out)
	}
	deadline := time.Now().Add(10 * time.Second)
	for running(pid) {
		if time.Now().After(deadline) {
			_ = syscallKill(pid)
			t.Fatalf("the orphaned plugin %d still runs 10s after its host died", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// running reports whether pid is a live process (not gone, not a zombie).
func running(pid int) bool {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	// The state follows the command name, which is in parentheses.
	if i := strings.LastIndexByte(line, ')'); i >= 0 && i+2 < len(line) {
		return line[i+2] != 'Z' && line[i+2] != 'X'
	}
	return false
}

func syscallKill(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}
