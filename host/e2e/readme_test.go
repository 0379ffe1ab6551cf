package e2e

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readmeMarker is the line before a fenced block of the README that
// TestREADME runs.
const readmeMarker = "<!-- README test: run -->"

// readmeBlocks returns the fenced blocks of the README marked to run, in
// order, each with the line its fence starts on.
func readmeBlocks(t *testing.T, readme string) (blocks []string, lines []int) {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(readme))
	var (
		n       int
		marked  bool
		in      bool
		current []string
	)
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case in && strings.HasPrefix(line, "```"):
			blocks, in = append(blocks, strings.Join(current, "\n")), false
		case in:
			current = append(current, line)
		case marked && strings.HasPrefix(line, "```"):
			in, current, marked = true, nil, false
			lines = append(lines, n)
		case strings.TrimSpace(line) == readmeMarker:
			marked = true
		case strings.TrimSpace(line) != "":
			if marked {
				t.Fatalf("README line %d: %s is not followed by a fenced block", n-1, readmeMarker)
			}
		}
	}
	if in {
		t.Fatal("README: a marked block is not closed")
	}
	return blocks, lines
}

// installLikeMakeBuild lays out the built binaries in dir/bin as make build
// does: integrator, the simulator, and both connectors in bin/plugins.
// They are copies: the host finds its plugins beside its real path.
func installLikeMakeBuild(t *testing.T, dir string) {
	t.Helper()
	for to, from := range map[string]string{
		"bin/integrator": filepath.Join(bin, "integrator"),
		"bin/plugins/integrator-connector-twitter-ads": filepath.Join(bin, "plugins", "integrator-connector-twitter-ads"),
		"bin/plugins/integrator-connector-http":        filepath.Join(bin, "http-plugin", "integrator-connector-http"),
		"bin/twitter-ads-sim":                          simBinary(t),
	} {
		to = filepath.Join(dir, to)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		src, err := os.Open(from)
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
		if err == nil {
			_, err = io.Copy(dst, src)
			if cerr := dst.Close(); err == nil {
				err = cerr
			}
		}
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// The README cannot drift: every fenced block marked to run (those that
// use the simulator or need no credentials) runs, in order, as one bash
// script with set -e in an empty folder holding bin/ as make build lays
// it out, with a fresh HOME and nothing else of the environment; a
// command that fails fails the test, naming it.
func TestREADME(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(moduleRoot(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks, starts := readmeBlocks(t, string(b))
	if len(blocks) < 3 {
		t.Fatalf("only %d blocks of the README are marked %q: the quick start is not tested", len(blocks), readmeMarker)
	}
	var script strings.Builder
	script.WriteString("set -eE -o pipefail\n")
	script.WriteString(`trap 'echo "README command failed (exit status $?): $BASH_COMMAND" >&2' ERR` + "\n")
	for i, block := range blocks {
		script.WriteString("echo '### README.md, the block at line " + strconv.Itoa(starts[i]) + "' >&2\n")
		script.WriteString(block + "\n")
	}

	dir := t.TempDir()
	installLikeMakeBuild(t, dir)
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-c", script.String())
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // the simulator it starts is ended with it
	// Files, not pipes: a simulator left running by a failed block holds
	// them open, and Wait would wait for it.
	outFile, errFile := tempFile(t, dir, "stdout"), tempFile(t, dir, "stderr")
	cmd.Stdout, cmd.Stderr = outFile, errFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(3 * time.Minute):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		err = errors.New("they did not end in 3 minutes")
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // whatever is left: a simulator not killed
	out, errOut := readBack(t, outFile), readBack(t, errFile)
	if err != nil {
		t.Fatalf("the README's commands failed: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	// What the README says they print.
	for _, want := range []string{"1080 campaigns.jsonl", "1200 all-campaigns.jsonl"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	for _, want := range []string{"Connection test: ok", `Saved connection "sim" (Twitter Ads).`, `Deleted connection "sim".`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func tempFile(t *testing.T, dir, name string) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// readBack returns what was written to f.
func readBack(t *testing.T, f *os.File) string {
	t.Helper()
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
