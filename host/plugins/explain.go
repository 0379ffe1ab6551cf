package plugins

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

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

// tail keeps the last bytes written to it, for error messages.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

const tailSize = 1024

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailSize {
		t.buf = t.buf[len(t.buf)-tailSize:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}

var (
	unrecognized = regexp.MustCompile(`Unrecognized remote plugin message: ?(.*)`)
	apiVersion   = regexp.MustCompile(`(?i)incompatible API version with plugin\. Plugin version: (\d+)`)
)

// explain turns go-plugin's start errors, which are long and generic, into
// one line that says what is wrong with this file.
func explain(err error, stderr string) error {
	msg := err.Error()
	first, _, _ := strings.Cut(msg, "\n")
	var reason string
	switch {
	case strings.Contains(msg, "Failed to read any lines from plugin's stdout"):
		reason = "it exited without the plugin handshake: not an integrator plugin, or it crashed on start"
	case unrecognized.MatchString(first):
		out := unrecognized.FindStringSubmatch(first)[1]
		reason = fmt.Sprintf("it printed %q instead of the plugin handshake: not an integrator plugin, or one that writes to stdout before serving", out)
	case apiVersion.MatchString(msg):
		v := apiVersion.FindStringSubmatch(msg)[1]
		reason = fmt.Sprintf("it speaks plugin protocol %s; this integrator speaks %d: install a version of the plugin built for it", v, shared.ProtocolVersion)
	case strings.Contains(msg, "exec format error"):
		reason = "it is not a program for this machine (exec format error)"
	case strings.Contains(msg, "timeout while waiting for plugin to start"):
		reason = "it did not complete the plugin handshake in time"
	default:
		reason = strings.TrimPrefix(first, "starting plugin: ")
	}
	if stderr != "" {
		reason += fmt.Sprintf(" (its stderr ends: %q)", lastLine(stderr))
	}
	return fmt.Errorf("%s", reason)
}

func lastLine(s string) string {
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
