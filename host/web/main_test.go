package web

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/host/app"
)

// These tests drive the console over HTTP (and, in browser_test.go, from
// a real browser) with a real core over a temporary home, the real plugin
// binaries, started through go-plugin, and the X Ads API simulator, all
// built once by TestMain. They know the connectors only through their
// schemas.

var (
	pluginDir string // the built plugins: twitter-ads, http and formtest
	simBin    string // the built simulator
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "integrator-web-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	pluginDir = filepath.Join(dir, "plugins")
	simBin = filepath.Join(dir, "twitter-ads-sim")
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	for out, pkg := range map[string]string{
		filepath.Join(pluginDir, app.PluginPrefix+"twitter-ads"): "./plugin/cmd/integrator-connector-twitter-ads",
		filepath.Join(pluginDir, app.PluginPrefix+"http"):        "./plugin/cmd/integrator-connector-http",
		filepath.Join(pluginDir, app.PluginPrefix+"formtest"):    "./host/web/testdata/formplugin",
		simBin: "./plugin/cmd/twitter-ads-sim",
	} {
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Dir = root
		if b, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n%s", pkg, err, b)
			return 1
		}
	}
	return m.Run()
}

// syncBuffer is a log both the console and the plugins write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// console is a console serving a test: its core, its home, its log.
type console struct {
	*Server
	app   *app.App
	home  string
	log   *syncBuffer
	roots *x509.CertPool
}

// consoleConfig changes how a test console starts.
type consoleConfig struct {
	opts  func(*Options)                  // changes the options
	wrap  func(http.Handler) http.Handler // wraps the handler (to record what it answers)
	roots *x509.CertPool                  // the roots a client trusts (TLS)
	// pluginDirs are the plugin folders; nil is the built plugins'.
	pluginDirs []string
	env        map[string]string // more environment of the core (INTEGRATOR_STORE, say)
}

// startConsole serves a console over a new home, with the built plugins,
// until the test ends. Everything logs at trace level into c.log.
func startConsole(t *testing.T) *console { return startConsoleWith(t, consoleConfig{}) }

func startConsoleWith(t *testing.T, cfg consoleConfig) *console {
	t.Helper()
	home := t.TempDir()
	env := map[string]string{"INTEGRATOR_HOME": home}
	for k, v := range cfg.env {
		env[k] = v
	}
	log := &syncBuffer{}
	logger := hclog.New(&hclog.LoggerOptions{Name: "integrator", Level: hclog.Trace, Output: log})
	dirs := cfg.pluginDirs
	if dirs == nil {
		dirs = []string{pluginDir}
	}
	a := app.New(app.Options{Getenv: func(k string) string { return env[k] }, PluginDirs: dirs, LogLevel: "trace", Logger: logger})
	o := Options{Logger: logger.Named("console")}
	if cfg.opts != nil {
		cfg.opts(&o)
	}
	s, err := New(a, o)
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	if cfg.wrap != nil {
		s.h = cfg.wrap(s.h)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		a.Close()
	})
	return &console{Server: s, app: a, home: home, log: log, roots: cfg.roots}
}

// client is a browser without a page: a cookie jar, no redirects
// followed, and the Origin and Sec-Fetch-Site a browser sends on a
// same-origin form post.
type client struct {
	t    *testing.T
	c    *console
	http *http.Client
}

func (c *console) client(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, c: c, http: &http.Client{
		Jar:           jar,
		Timeout:       2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: c.roots}},
	}}
}

// signedIn is a client that opened the console's link.
func (c *console) signedIn(t *testing.T) *client {
	cl := c.client(t)
	if r := cl.get(c.URL()); r.status != http.StatusOK {
		t.Fatalf("opening the console's link: %d %s", r.status, r.body)
	}
	return cl
}

// response is what a request got.
type response struct {
	status int
	header http.Header
	body   string
}

func (cl *client) do(req *http.Request) response {
	cl.t.Helper()
	resp, err := cl.http.Do(req)
	if err != nil {
		cl.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		cl.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// get gets a path of the console, or a whole URL.
func (cl *client) get(path string) response {
	cl.t.Helper()
	req, err := http.NewRequest(http.MethodGet, cl.url(path), nil)
	if err != nil {
		cl.t.Fatal(err)
	}
	return cl.do(req)
}

// post posts a form to a path of the console as a same-origin page does.
func (cl *client) post(path string, form url.Values) response {
	cl.t.Helper()
	req := cl.postRequest(path, form)
	return cl.do(req)
}

func (cl *client) postRequest(path string, form url.Values) *http.Request {
	cl.t.Helper()
	req, err := http.NewRequest(http.MethodPost, cl.url(path), strings.NewReader(form.Encode()))
	if err != nil {
		cl.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", cl.c.BaseURL())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return req
}

func (cl *client) url(path string) string {
	if strings.HasPrefix(path, "http") {
		return path
	}
	return cl.c.BaseURL() + path
}

// sim is a running simulator: its ready line's values by name.
type sim map[string]string

// startSim runs the simulator binary until the test ends.
func startSim(t *testing.T, args ...string) sim {
	t.Helper()
	cmd := exec.Command(simBin, append([]string{"--addr", "127.0.0.1:0"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadBytes('\n')
	var s sim
	if err != nil || json.Unmarshal(line, &s) != nil || s["url"] == "" {
		t.Fatalf("simulator ready line %q: %v", line, err)
	}
	return s
}

// twitterAdsForm is the create form of a Twitter Ads connection to the
// simulator, with tokenSecret for its token secret.
func (s sim) twitterAdsForm(name, tokenSecret, action string) url.Values {
	return url.Values{
		"type": {"twitter-ads"}, "name": {name}, "action": {action},
		"f.consumer_key": {s["consumer_key"]}, "f.consumer_secret": {s["consumer_secret"]},
		"f.access_token": {s["access_token"]}, "f.token_secret": {tokenSecret},
		"f.base_uri": {s["url"]}, "f.account_id": {s["account_id"]},
	}
}

// connection returns the saved connection name; ok is false when there
// is none.
func (c *console) connection(t *testing.T, name string) (app.Connection, bool) {
	t.Helper()
	list, err := c.app.Connections(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, conn := range list {
		if conn.Name == name {
			return conn, true
		}
	}
	return app.Connection{}, false
}

// session is the client's session cookie.
func (cl *client) session() *http.Cookie {
	cl.t.Helper()
	u, _ := url.Parse(cl.c.BaseURL())
	for _, c := range cl.http.Jar.Cookies(u) {
		if strings.HasSuffix(c.Name, sessionCookie) {
			return c
		}
	}
	cl.t.Fatal("the client has no session cookie")
	return nil
}
