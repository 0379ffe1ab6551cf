package e2e

import (
	"bufio"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// consoleProc is `integrator console` running: its first line of stdout,
// and what it writes after.
type consoleProc struct {
	cmd    *exec.Cmd
	link   string
	rest   chan string // the rest of stdout, once it closes
	stderr *strings.Builder
}

// startConsole runs the built integrator's console with env (PATH
// included) and args, and reads its first line.
func startConsole(t *testing.T, env []string, args ...string) *consoleProc {
	t.Helper()
	cmd := exec.Command(filepath.Join(bin, "integrator"), append([]string{"console"}, args...)...)
	cmd.Env = env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &consoleProc{cmd: cmd, rest: make(chan string, 1), stderr: &strings.Builder{}}
	errPipe, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stderrDone := make(chan struct{})
	go func() { io.Copy(p.stderr, errPipe); close(stderrDone) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	r := bufio.NewReader(out)
	line, err := r.ReadString('\n')
	if err != nil {
		<-stderrDone
		t.Fatalf("the console printed no line: %v\nstderr: %s", err, p.stderr)
	}
	p.link = strings.TrimSuffix(line, "\n")
	go func() {
		b, _ := io.ReadAll(r)
		<-stderrDone
		p.rest <- string(b)
	}()
	return p
}

// stop interrupts the console as Ctrl-C does and returns what it printed
// on stdout after its link.
func (p *consoleProc) stop(t *testing.T) string {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case rest := <-p.rest:
		p.cmd.Wait()
		return rest
	case <-time.After(30 * time.Second):
		t.Fatalf("the console still runs 30 s after SIGINT\nstderr: %s", p.stderr)
	}
	return ""
}

var linkPattern = regexp.MustCompile(`^http://127\.0\.0\.1:[0-9]+/\?token=[A-Za-z0-9_-]{43}$`)

// `integrator console --no-browser` prints one line, the link with its
// one-time token; the link signs one browser in, then stops working, and
// a browser without the cookie gets 401.
func TestConsolePrintsItsLinkOnce(t *testing.T) {
	home := t.TempDir()
	p := startConsole(t, []string{"INTEGRATOR_HOME=" + home, "HOME=" + home, "PATH=/usr/bin:/bin"}, "--no-browser")
	if !linkPattern.MatchString(p.link) {
		t.Fatalf("the line printed is %q", p.link)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	get := func(c *http.Client, u string) int {
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	base := p.link[:strings.Index(p.link, "/?token=")]
	if code := get(browser, p.link); code != http.StatusOK {
		t.Errorf("the link: %d", code)
	}
	if code := get(browser, base+"/connectors"); code != http.StatusOK {
		t.Errorf("the connectors page with the session: %d", code)
	}
	if code := get(http.DefaultClient, p.link); code != http.StatusUnauthorized {
		t.Errorf("the link a second time: %d", code)
	}
	if code := get(http.DefaultClient, base+"/connections"); code != http.StatusUnauthorized {
		t.Errorf("a page without the session: %d", code)
	}
	if rest := p.stop(t); rest != "" {
		t.Errorf("the console printed more than its link: %q", rest)
	}
}

// Without --no-browser the console opens the browser (xdg-open) on a
// file only the user can read that leads to the link: the token is never
// on a command line, where other users could read it. The file goes when
// the console stops.
func TestConsoleOpensTheBrowserWithoutTheTokenInArgv(t *testing.T) {
	home := t.TempDir()
	fake := t.TempDir()
	record := filepath.Join(fake, "record")
	script := "#!/bin/sh\n" +
		`printf '%s\n' "$@" > ` + record + ".args\n" +
		`stat -c %a "$1" > ` + record + ".mode\n" +
		`cat "$1" > ` + record + ".page\n"
	if err := os.WriteFile(filepath.Join(fake, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	p := startConsole(t, []string{"INTEGRATOR_HOME=" + home, "HOME=" + home, "PATH=" + fake + ":/usr/bin:/bin"})
	var args []byte
	deadline := time.Now().Add(30 * time.Second)
	for {
		page, _ := os.ReadFile(record + ".page")
		if len(page) > 0 {
			args, _ = os.ReadFile(record + ".args")
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("xdg-open was not run\nstderr: %s", p.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	token := p.link[strings.Index(p.link, "token=")+len("token="):]
	if strings.Contains(string(args), token) {
		t.Errorf("the token is on xdg-open's command line: %q", args)
	}
	page, _ := os.ReadFile(record + ".page")
	mode, _ := os.ReadFile(record + ".mode")
	if !strings.Contains(string(page), `url=`+p.link) || strings.TrimSpace(string(mode)) != "600" {
		t.Errorf("the file opened (mode %s): %s", mode, page)
	}
	opened := strings.TrimSpace(string(args))
	p.stop(t)
	if _, err := os.Stat(opened); !os.IsNotExist(err) {
		t.Errorf("the file %s is left after the console stopped: %v", opened, err)
	}
}

// A listen address that is not a loopback one is refused without TLS,
// saying what to give; so is half of the TLS pair. Nothing is printed on
// stdout.
func TestConsoleRefusesNonLoopbackWithoutTLS(t *testing.T) {
	home := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--listen", "0.0.0.0:0"}, "--listen 0.0.0.0:0 is not a loopback address: serving the console beyond this machine needs TLS; give --tls-cert FILE and --tls-key FILE"},
		{[]string{"--listen", ":8080"}, "needs TLS"},
		{[]string{"--tls-cert", "cert.pem"}, "--tls-cert and --tls-key go together"},
	} {
		r := integrator(t, home, nil, append([]string{"console", "--no-browser"}, tc.args...)...)
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
			t.Errorf("console %v: exit %d\nstdout: %s\nstderr: %s", tc.args, r.code, r.stdout, r.stderr)
		}
	}
}
