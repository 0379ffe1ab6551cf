package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The CLI's conventions on a terminal (issue 16): prompts, confirmation,
// Ctrl-C, the progress bar. Each test runs the real binary on a
// pseudo-terminal, as a person would.

// termRun is integrator running on a pseudo-terminal.
type termRun struct {
	*terminal
	done chan struct{} // closed when the process has ended
	err  error         // its Wait error, once done
}

// onTerminal starts integrator args on a new pseudo-terminal with home.
// The process is killed at the end of the test if it still runs.
func onTerminal(t *testing.T, home string, env []string, args ...string) *termRun {
	t.Helper()
	cmd := exec.Command(filepath.Join(bin, "integrator"), args...)
	cmd.Env = append([]string{"INTEGRATOR_HOME=" + home, "HOME=" + home, "TERM=dumb", "PATH=/usr/bin:/bin"}, env...)
	r := &termRun{terminal: startTerminal(t, cmd), done: make(chan struct{})}
	go func() {
		r.err = cmd.Wait()
		close(r.done)
	}()
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			cmd.Process.Kill()
			<-r.done
		}
	})
	return r
}

// exit waits for the process to end, at most limit, and returns its exit
// status.
func (r *termRun) exit(limit time.Duration, what string) int {
	r.t.Helper()
	select {
	case <-r.done:
	case <-time.After(limit):
		r.t.Fatalf("the command did not end %s; the terminal shows:\n%s", what, r.screen())
	}
	if ee, ok := r.err.(*exec.ExitError); ok {
		return ee.ExitCode()
	} else if r.err != nil {
		r.t.Fatal(r.err)
	}
	return 0
}

// lines is the screen from position from, as lines (the terminal ends
// them with CR LF).
func lines(screen string, from int) []string {
	s := strings.TrimSpace(strings.ReplaceAll(screen[from:], "\r\n", "\n"))
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Ctrl-C at a hidden prompt ends the command at once (no Enter needed),
// with exit status 130 and one line, the terminal's echo back on, and
// nothing saved.
func TestCtrlCAtAHiddenPromptEndsAtOnce(t *testing.T) {
	home := t.TempDir()
	term := onTerminal(t, home, nil, "connections", "create", "--type", "twitter-ads", "--name", "typed", "--set", "base_uri=http://127.0.0.1:9")
	pos := term.waitFor("Consumer key: ", 0)
	term.typeLine("my-consumer-key")
	pos = term.waitFor("Consumer secret (input hidden): ", pos)
	if _, err := term.pty.Write([]byte{3}); err != nil { // Ctrl-C
		t.Fatal(err)
	}
	if code := term.exit(20*time.Second, "after Ctrl-C at the hidden prompt"); code != 130 {
		t.Errorf("exit status %d, want 130", code)
	}
	if got := lines(term.waitForOutput(), pos); len(got) != 1 || got[0] != "error: stopped by interrupt" {
		t.Errorf("after Ctrl-C the terminal shows %q, want the one line \"error: stopped by interrupt\"", got)
	}
	tios, err := unix.IoctlGetTermios(int(term.pty.(*os.File).Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if tios.Lflag&unix.ECHO == 0 {
		t.Error("the terminal's echo is still off")
	}
	if list := listConnections(t, home); len(list) != 0 {
		t.Errorf("saved: %v", list)
	}
}

// On a terminal, connections delete asks first: "n" (or Enter) keeps the
// connection, "y" deletes it.
func TestDeleteAsksOnATerminal(t *testing.T) {
	sim := launchSimulator(t)
	home := t.TempDir()
	env, _ := secretEnv(sim)
	mustRun(t, home, env, createArgs(sim, "Prod", "--no-test")...)
	const question = `Delete connection "Prod" (twitter-ads) with its sealed secrets, checkpoints and import ledgers? [y/N]: `

	term := onTerminal(t, home, nil, "connections", "delete", "prod")
	pos := term.waitFor(question, 0)
	term.typeLine("n")
	term.waitFor("Nothing was deleted.", pos)
	if code := term.exit(20*time.Second, "after the answer n"); code != 1 {
		t.Errorf("answer n: exit status %d, want 1", code)
	}
	if list := listConnections(t, home); len(list) != 1 {
		t.Fatalf("answer n deleted it: %v", list)
	}

	term = onTerminal(t, home, nil, "connections", "delete", "prod")
	pos = term.waitFor(question, 0)
	term.typeLine("y")
	term.waitFor(`Deleted connection "Prod".`, pos)
	if code := term.exit(20*time.Second, "after the answer y"); code != 0 {
		t.Errorf("answer y: exit status %d\n%s", code, term.screen())
	}
	if list := listConnections(t, home); len(list) != 0 {
		t.Fatalf("answer y kept it: %v", list)
	}
}

// Interactive create asks for every required setting, then offers the
// optional ones with their defaults: a connection to the simulator needs
// no flag but its type and name.
func TestInteractiveCreateOffersOptionalSettings(t *testing.T) {
	sim := launchSimulator(t)
	home := t.TempDir()
	term := onTerminal(t, home, nil, "connections", "create", "--type", "twitter-ads", "--name", "sim")
	pos := term.waitFor("Consumer key: ", 0)
	term.typeLine(sim.ConsumerKey)
	for _, s := range []struct{ prompt, answer string }{
		{"Consumer secret (input hidden): ", sim.ConsumerSecret},
		{"Access token (input hidden): ", sim.AccessToken},
		{"Token secret (input hidden): ", sim.TokenSecret},
		{"Optional settings: press Enter to leave one out (its default, if shown, applies).", ""},
		{"Ads account ID (optional): ", sim.AccountID},
		{"Base URI (default https://ads-api.x.com): ", sim.URL},
		{"API version (default 12): ", ""},
	} {
		pos = term.waitFor(s.prompt, pos)
		if s.answer != "" || strings.HasSuffix(s.prompt, ": ") {
			term.typeLine(s.answer)
		}
	}
	term.waitFor("Connection test: ok", pos)
	term.waitFor(`Saved connection "sim" (Twitter Ads).`, pos)
	if code := term.exit(30*time.Second, "after the last answer"); code != 0 {
		t.Fatalf("exit status %d:\n%s", code, term.screen())
	}
	shown := mustRun(t, home, nil, "connections", "show", "sim").stdout
	for _, want := range []string{"base_uri         " + sim.URL, "account_id       " + sim.AccountID} {
		if !strings.Contains(shown, want) {
			t.Errorf("connections show lacks %q:\n%s", want, shown)
		}
	}
	if strings.Contains(shown, "api_version") {
		t.Errorf("the API version left out was saved:\n%s", shown)
	}
}

// clearLine is what clears the progress bar's line.
const clearLine = "\x1b[2K\r"

// On a terminal an export shows a progress bar with its rate and time
// left, to the total --max-records sets (not the API's); the bar is
// cleared before the summary line, which stays alone on its line.
func TestExportProgressBarOnATerminal(t *testing.T) {
	sim, home := flowHome(t, "--campaigns", "300", "--fault", "slow,delay=150ms,method=GET,path=/campaigns")
	out := filepath.Join(t.TempDir(), "campaigns.jsonl")
	term := onTerminal(t, home, nil, "export", "Prod", "accounts/"+sim.AccountID+"/campaigns", "-F", "count=20", "--max-records", "100", "--out", out)
	if code := term.exit(60*time.Second, "after the export"); code != 0 {
		t.Fatalf("exit status %d:\n%q", code, term.screen())
	}
	screen := term.waitForOutput()
	for _, want := range []string{"Exporting: ", " records/s, about ", "s left", "/100)", "% |"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the terminal never showed %q:\n%q", want, screen)
		}
	}
	if strings.Contains(screen, "/300)") || strings.Contains(screen, " of 300") {
		t.Errorf("the bar is to the API's total, not to --max-records:\n%q", screen)
	}
	summary := clearLine + "Exported 100 records in 5 pages to " + out + " in "
	i := strings.Index(screen, summary)
	if i < 0 {
		t.Fatalf("the summary does not follow the cleared bar:\n%q", screen)
	}
	if rest := screen[i+len(summary):]; strings.Contains(rest, "%") || strings.Count(strings.TrimRight(rest, "\r\n"), "\n") > 0 {
		t.Errorf("something follows the summary: %q", rest)
	}
}

// An error is printed on a line of its own: the bar is cleared first.
func TestExportProgressBarClearedBeforeAnError(t *testing.T) {
	sim, home := flowHome(t, "--fault", "cursor_cycle,path=/campaigns", "--fault", "slow,delay=150ms,method=GET,path=/campaigns")
	out := filepath.Join(t.TempDir(), "campaigns.jsonl")
	term := onTerminal(t, home, nil, "export", "Prod", "accounts/"+sim.AccountID+"/campaigns", "-F", "count=5", "--out", out)
	if code := term.exit(60*time.Second, "after the cycle"); code != 1 {
		t.Fatalf("exit status %d:\n%q", code, term.screen())
	}
	screen := term.waitForOutput()
	bar, errLine := strings.LastIndex(screen, "% |"), strings.Index(screen, clearLine+"error: ")
	if bar < 0 || errLine < bar {
		t.Errorf("want the bar, then the error after the bar was cleared:\n%q", screen)
	}
}

// Without a terminal the default is one summary line at the end, on
// stderr: a run in a script is not silent; --progress none is.
func TestExportSummaryLineWithoutATerminal(t *testing.T) {
	sim, home := flowHome(t)
	out := filepath.Join(t.TempDir(), "campaigns.jsonl")
	args := []string{"export", "Prod", "accounts/" + sim.AccountID + "/campaigns", "-F", "count=10", "--out", out}
	r := mustRun(t, home, nil, args...)
	summary := regexp.MustCompile(`^Exported \d+ records in 3 pages to ` + regexp.QuoteMeta(out) + ` in \S+\n$`)
	if !summary.MatchString(r.stderr) || r.stdout != "" {
		t.Errorf("stderr %q, stdout %q: want the summary line alone", r.stderr, r.stdout)
	}
	r = mustRun(t, home, nil, append(args, "--restart", "--progress", "none")...)
	if r.stderr != "" {
		t.Errorf("--progress none wrote %q", r.stderr)
	}
}
