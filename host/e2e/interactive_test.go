package e2e

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// terminal runs a command on a pseudo-terminal and records what it shows.
type terminal struct {
	t   *testing.T
	mu  sync.Mutex
	buf bytes.Buffer
	pty interface {
		Write([]byte) (int, error)
	}
	done chan struct{} // closed when reading the pty ends
}

func (term *terminal) screen() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.buf.String()
}

// waitFor waits until the screen shows s after position from, and returns
// the position after it.
func (term *terminal) waitFor(s string, from int) int {
	term.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		screen := term.screen()
		if i := strings.Index(screen[from:], s); i >= 0 {
			return from + i + len(s)
		}
		time.Sleep(20 * time.Millisecond)
	}
	term.t.Fatalf("the terminal never showed %q; it shows:\n%s", s, term.screen())
	return 0
}

// waitForOutput returns the screen once the command's output has stopped
// arriving (the pty reader ends when the command exits and the pty drains).
func (term *terminal) waitForOutput() string {
	term.t.Helper()
	select {
	case <-term.done:
	case <-time.After(20 * time.Second):
		term.t.Fatalf("the terminal never closed; it shows:\n%s", term.screen())
	}
	return term.screen()
}

func (term *terminal) typeLine(s string) {
	if _, err := term.pty.Write([]byte(s + "\r")); err != nil {
		term.t.Fatal(err)
	}
}

// startTerminal starts cmd on a new pseudo-terminal and records its screen.
func startTerminal(t *testing.T, cmd *exec.Cmd) *terminal {
	f, err := pty.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	term := &terminal{t: t, pty: f, done: make(chan struct{})}
	go func() {
		defer close(term.done)
		b := make([]byte, 4096)
		for {
			n, err := f.Read(b)
			term.mu.Lock()
			term.buf.Write(b[:n])
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return term
}

func TestInteractiveCreatePromptsWithoutEchoingSecrets(t *testing.T) {
	sim := launchSimulator(t)
	home := t.TempDir()
	cmd := exec.Command(filepath.Join(bin, "integrator"), "connections", "create", "--type", "twitter-ads", "--name", "typed",
		"--set", "base_uri="+sim.URL, "--set", "account_id="+sim.AccountID)
	cmd.Env = []string{"INTEGRATOR_HOME=" + home, "HOME=" + home, "TERM=dumb"}
	term := startTerminal(t, cmd)

	pos := term.waitFor("Consumer key: ", 0)
	if !strings.Contains(term.screen(), "developer portal") {
		t.Errorf("the prompt does not show the field's help:\n%s", term.screen())
	}
	term.typeLine(sim.ConsumerKey)
	pos = term.waitFor("Consumer secret (input hidden): ", pos)
	term.typeLine(sim.ConsumerSecret)
	pos = term.waitFor("Access token (input hidden): ", pos)
	term.typeLine("")
	pos = term.waitFor("Access token is required.", pos)
	pos = term.waitFor("Access token (input hidden): ", pos)
	term.typeLine(sim.AccessToken)
	pos = term.waitFor("Token secret (input hidden): ", pos)
	term.typeLine(sim.TokenSecret)
	pos = term.waitFor("API version (default 12): ", pos) // the optional setting not given
	term.typeLine("")
	term.waitFor(`Saved connection "typed"`, pos)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, term.screen())
	}

	screen := term.screen()
	if !strings.Contains(screen, sim.ConsumerKey) {
		t.Error("the consumer key, not a secret, was not echoed")
	}
	for _, s := range []string{sim.ConsumerSecret, sim.AccessToken, sim.TokenSecret} {
		if strings.Contains(screen, s) {
			t.Errorf("a secret was echoed to the terminal:\n%s", screen)
		}
	}
	mustRun(t, home, nil, "connections", "test", "typed")

	// Editing on a terminal asks for every secret again.
	cmd = exec.Command(filepath.Join(bin, "integrator"), "connections", "edit", "typed")
	cmd.Env = []string{"INTEGRATOR_HOME=" + home, "HOME=" + home, "TERM=dumb"}
	term = startTerminal(t, cmd)
	pos = term.waitFor("Consumer secret (input hidden): ", 0)
	term.typeLine(sim.ConsumerSecret)
	pos = term.waitFor("Access token (input hidden): ", pos)
	term.typeLine(sim.AccessToken)
	pos = term.waitFor("Token secret (input hidden): ", pos)
	term.typeLine(sim.TokenSecret)
	term.waitFor(`Saved connection "typed"`, pos)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("edit exit: %v\n%s", err, term.screen())
	}
	if strings.Contains(term.screen(), "Consumer key:") {
		t.Error("edit asked again for a non-secret setting that was saved")
	}
}

// On a terminal, api indents a JSON answer; through a pipe it writes the
// API's bytes as they came.
func TestAPIIndentsJSONOnATerminalOnly(t *testing.T) {
	sim := launchSimulator(t)
	home := t.TempDir()
	env, _ := secretEnv(sim)
	mustRun(t, home, env, createArgs(sim, "tty")...)
	path := "accounts/" + sim.AccountID

	piped := mustRun(t, home, nil, "api", "tty", path)
	if strings.Contains(piped.stdout, "\n  ") || !json.Valid([]byte(piped.stdout)) {
		t.Errorf("piped output is not the compact JSON the simulator sends:\n%s", piped.stdout)
	}

	cmd := exec.Command(filepath.Join(bin, "integrator"), "api", "tty", path)
	cmd.Env = []string{"INTEGRATOR_HOME=" + home, "HOME=" + home, "TERM=dumb"}
	term := startTerminal(t, cmd)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, term.screen())
	}
	var want bytes.Buffer
	if err := json.Indent(&want, []byte(piped.stdout), "", "  "); err != nil {
		t.Fatal(err)
	}
	// The terminal shows line ends as CR LF.
	screen := strings.ReplaceAll(term.waitForOutput(), "\r\n", "\n")
	if !strings.Contains(screen, want.String()+"\n") {
		t.Errorf("the terminal does not show the indented JSON:\n%s\nwant:\n%s", screen, want.String())
	}
}
