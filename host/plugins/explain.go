package plugins

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/shared"
)

// quietLogger demotes go-plugin's own warnings and errors about a plugin
// process to debug: the host reports those failures itself, once and
// clearly. Log lines from the plugin go through Named loggers and keep their
// level.
type quietLogger struct{ hclog.Logger }

func (q quietLogger) Warn(msg string, args ...any)  { q.Logger.Debug(msg, args...) }
func (q quietLogger) Error(msg string, args ...any) { q.Logger.Debug(msg, args...) }

// tail keeps the last bytes written to it, for error messages, and the
// first line that starts a Go panic or fatal error, which a long stack
// dump would otherwise push out.
type tail struct {
	mu    sync.Mutex
	buf   []byte
	panic string
}

const tailSize = 4096

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.panic == "" {
		for _, l := range strings.Split(string(p), "\n") {
			if l = strings.TrimSpace(l); strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
				t.panic = l
				break
			}
		}
	}
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailSize {
		t.buf = t.buf[len(t.buf)-tailSize:]
	}
	return len(p), nil
}

// String returns the last bytes written, after the panic line when that
// is no longer among them.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(string(t.buf))
	if t.panic != "" && !strings.Contains(s, t.panic) {
		s = t.panic + "\n" + s
	}
	return s
}

var (
	unrecognized = regexp.MustCompile(`Unrecognized remote plugin message: ?(.*)`)
	apiVersion   = regexp.MustCompile(`(?i)incompatible API version with plugin\. Plugin version: (\d+)`)
)

// explain turns go-plugin's start errors, which are long and generic, into
// one line that says what is wrong with this file. stderr is what the
// plugin wrote to its standard error; timeout is the start timeout used.
func explain(err error, stderr string, timeout time.Duration) error {
	msg := err.Error()
	first, _, _ := strings.Cut(msg, "\n")
	var reason string
	switch {
	case strings.Contains(msg, "Failed to read any lines from plugin's stdout"),
		strings.Contains(msg, "plugin exited before we could connect"):
		reason = "it exited without the plugin handshake: not an integrator plugin, or it crashed on start"
	case unrecognized.MatchString(first):
		out := unrecognized.FindStringSubmatch(first)[1]
		reason = fmt.Sprintf("it printed %q instead of the plugin handshake: not an integrator plugin, or one that writes to stdout before serving", out)
	case apiVersion.MatchString(msg):
		v, _ := strconv.Atoi(apiVersion.FindStringSubmatch(msg)[1])
		reason = protocolMismatch(v)
	case strings.Contains(msg, "exec format error"):
		reason = "it is not a program for this machine (exec format error)"
	case strings.Contains(msg, "timeout while waiting for plugin to start"):
		reason = fmt.Sprintf("it did not complete the plugin handshake within %s: it hangs on start, or is not an integrator plugin", timeout)
	default:
		reason = strings.TrimPrefix(first, "starting plugin: ")
	}
	if s := stderrSummary(stderr); s != "" {
		reason += " (" + s + ")"
	}
	return fmt.Errorf("%s", reason)
}

// hostProtocols are the plugin protocol versions this host speaks, in order.
func hostProtocols() []int {
	var vs []int
	for v := range shared.VersionedPlugins(nil) {
		vs = append(vs, v)
	}
	slices.Sort(vs)
	return vs
}

// protocolMismatch says who must upgrade when a plugin speaks protocol v
// and this host does not.
func protocolMismatch(v int) string {
	vs := hostProtocols()
	lo, hi := vs[0], vs[len(vs)-1]
	speaks := strconv.Itoa(lo)
	if hi != lo {
		speaks = fmt.Sprintf("%d..%d", lo, hi)
	}
	if v > hi {
		return fmt.Sprintf("it speaks plugin protocol %d, this integrator speaks %s: upgrade integrator, or install a version of the plugin built for protocol %d", v, speaks, hi)
	}
	return fmt.Sprintf("it speaks plugin protocol %d, this integrator speaks %s: upgrade the plugin to a version built for protocol %d", v, speaks, hi)
}

// stderrSummary picks what is worth showing of a plugin's standard error: a
// Go panic or fatal error if there is one, else the last few lines. hclog
// JSON lines are shown as "[LEVEL] message".
func stderrSummary(stderr string) string {
	if stderr == "" {
		return ""
	}
	lines := strings.Split(stderr, "\n")
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
			return fmt.Sprintf("it panicked: %q", l)
		}
	}
	var last []string
	for i := len(lines) - 1; i >= 0 && len(last) < 3; i-- {
		if l := logLine(strings.TrimSpace(lines[i])); l != "" {
			last = append([]string{l}, last...)
		}
	}
	return fmt.Sprintf("its stderr ends: %q", strings.Join(last, " | "))
}

// logLine renders an hclog JSON line as "[LEVEL] message"; other lines are
// returned as they are.
func logLine(l string) string {
	if !strings.HasPrefix(l, "{") {
		return l
	}
	var e struct {
		Level   string `json:"@level"`
		Message string `json:"@message"`
	}
	if json.Unmarshal([]byte(l), &e) != nil || e.Message == "" {
		return l
	}
	return "[" + strings.ToUpper(e.Level) + "] " + e.Message
}
