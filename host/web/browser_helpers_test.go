package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// ciEnv names the variables that say the tests run in CI, where a
// missing browser fails them instead of skipping them (.ci/run sets
// INTEGRATOR_CI=1).
var ciEnv = []string{"INTEGRATOR_CI", "CI"}

// browserNames are the programs tried, in order, when
// INTEGRATOR_BROWSER does not name one. Debian's is chromium.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"}

// findBrowser returns the browser to drive. Without one it skips the
// test, saying how to install one, or, in CI, fails it.
func findBrowser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("INTEGRATOR_BROWSER"); p != "" {
		return p
	}
	for _, name := range browserNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	for _, v := range ciEnv {
		if os.Getenv(v) != "" {
			t.Fatalf("no browser found (%s in PATH, or INTEGRATOR_BROWSER) and %s is set: the browser tests must run in CI; install chromium (apt-get install -y chromium)",
				strings.Join(browserNames, ", "), v)
		}
	}
	t.Skipf("no browser found (%s in PATH, or INTEGRATOR_BROWSER): the browser tests are skipped; install chromium (apt-get install -y chromium) to run them",
		strings.Join(browserNames, ", "))
	return ""
}

// tab is a browser tab on a console.
type tab struct {
	t   *testing.T
	ctx context.Context
	c   *console
}

// openBrowser starts a headless browser for the test, with one tab.
func openBrowser(t *testing.T, c *console) *tab {
	t.Helper()
	path := findBrowser(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(func() {
		cancelTime()
		cancelTab()
		cancelAlloc()
	})
	p := &tab{t: t, ctx: ctx, c: c}
	p.do(chromedp.EmulateViewport(1280, 900))
	return p
}

func (p *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatal(err)
	}
}

// scripts turns the page's JavaScript on or off.
func (p *tab) scripts(on bool) {
	p.t.Helper()
	if _, err := chromedp.Call(p.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		p.t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](p *tab, js string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// signIn opens the console's link and waits for the connections.
func (p *tab) signIn() {
	p.t.Helper()
	p.do(chromedp.Navigate(p.c.URL()))
	p.waitPath("/connections")
}

// open navigates to a path of the console.
func (p *tab) open(path string) {
	p.t.Helper()
	resp, err := chromedp.RunResponse(p.ctx, chromedp.Navigate(p.c.BaseURL()+path))
	if err != nil {
		p.t.Fatalf("opening %s: %v", path, err)
	}
	if resp.Status != http.StatusOK {
		p.t.Fatalf("opening %s: %d", path, resp.Status)
	}
}

// waitPath waits until the page is at path.
func (p *tab) waitPath(path string) {
	p.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		loc := eval[string](p, "location.pathname")
		if loc == path && eval[string](p, "document.readyState") == "complete" {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the page is at %s, not %s", loc, path)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// click clicks what sel finds, as a user does, and waits for the page it
// leads to; it returns that page's status.
func (p *tab) click(sel string) int64 {
	p.t.Helper()
	resp, err := chromedp.RunResponse(p.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("clicking %s: %v", sel, err)
	}
	return resp.Status
}

// clickHere clicks what sel finds, which changes the page without leaving
// it.
func (p *tab) clickHere(sel string) {
	p.t.Helper()
	p.do(chromedp.Click(chromedp.CSS(sel)))
}

// typeIn types text into the field sel finds, after what it holds.
func (p *tab) typeIn(sel, text string) {
	p.t.Helper()
	p.do(chromedp.SendKeys(chromedp.CSS(sel), text))
}

// replace clears the field sel finds and types text.
func (p *tab) replace(sel, text string) {
	p.t.Helper()
	p.do(chromedp.Clear(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), text))
}

// choose picks value in the select sel finds with the keyboard, as a user
// does: focus it, then arrow keys up or down to the option.
func (p *tab) choose(sel, value string) {
	p.t.Helper()
	q := "document.querySelector(" + jsString(sel) + ")"
	steps := eval[int](p, "(() => { const s = "+q+"; const i = Array.from(s.options).findIndex(o => o.value === "+jsString(value)+"); return i < 0 ? 1000 : i - s.selectedIndex; })()")
	if steps == 1000 {
		p.t.Fatalf("%s has no option %q", sel, value)
	}
	key := kb.ArrowDown
	if steps < 0 {
		key, steps = kb.ArrowUp, -steps
	}
	p.do(chromedp.Focus(chromedp.CSS(sel)))
	if steps > 0 {
		p.do(chromedp.SendKeys(chromedp.CSS(sel), strings.Repeat(key, steps)))
	}
	if got := eval[string](p, q+".value"); got != value {
		p.t.Fatalf("%s holds %q after choosing %q", sel, got, value)
	}
}

// visible reports whether the element sel finds is shown.
func (p *tab) visible(sel string) bool {
	p.t.Helper()
	return eval[bool](p, "(() => { const e = document.querySelector("+jsString(sel)+"); return !!e && e.checkVisibility(); })()")
}

// text is the text the page shows in what sel finds.
func (p *tab) text(sel string) string {
	p.t.Helper()
	return eval[string](p, "(() => { const e = document.querySelector("+jsString(sel)+"); return e ? e.innerText : ''; })()")
}

// value is the value of the field sel finds.
func (p *tab) value(sel string) string {
	p.t.Helper()
	return eval[string](p, "document.querySelector("+jsString(sel)+").value")
}

// unlabelled lists the form fields of the page a user can reach that have
// no label.
func (p *tab) unlabelled() []string {
	p.t.Helper()
	return eval[[]string](p, `Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea"))
		.filter(e => e.labels.length === 0 && !e.getAttribute("aria-labelledby") && !e.getAttribute("aria-label"))
		.map(e => e.name || e.id)`)
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// screenshotDir is where the tests write the screenshots of the pages:
// INTEGRATOR_CONSOLE_SCREENSHOTS, else a folder of the test's own.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("INTEGRATOR_CONSOLE_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// shoot writes screenshots of the whole page at 390 and 1280 px wide, as
// NAME-390.png and NAME-1280.png, and checks that nothing is wider than
// the screen at either width.
func (p *tab) shoot(dir, name string) {
	p.t.Helper()
	for _, width := range []int64{390, 1280} {
		p.do(chromedp.EmulateViewport(width, 900))
		if over := eval[int](p, "document.documentElement.scrollWidth - document.documentElement.clientWidth"); over > 0 {
			p.t.Errorf("%s at %d px: the page is %d px wider than the screen", name, width, over)
		}
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			p.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width)), png, 0o644); err != nil {
			p.t.Fatal(err)
		}
	}
	p.do(chromedp.EmulateViewport(1280, 900))
}

// recorder keeps every response the console sends: status, headers and
// body, for the canary to search.
type recorder struct {
	mu        sync.Mutex
	responses []recorded
}

type recorded struct {
	method, path string
	header       http.Header
	body         bytes.Buffer
}

func (rec *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rr := &recorded{method: r.Method, path: r.URL.Path}
		next.ServeHTTP(&recordingWriter{ResponseWriter: w, rec: rr}, r)
		rr.header = w.Header().Clone()
		rec.mu.Lock()
		rec.responses = append(rec.responses, *rr)
		rec.mu.Unlock()
	})
}

// find returns where a value appears in a recorded response: "" for
// nowhere.
func (rec *recorder) find(value string) string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, r := range rec.responses {
		if strings.Contains(r.body.String(), value) {
			return r.method + " " + r.path + " (body)"
		}
		for name, vs := range r.header {
			for _, v := range vs {
				if strings.Contains(v, value) {
					return r.method + " " + r.path + " (header " + name + ")"
				}
			}
		}
	}
	return ""
}

func (rec *recorder) count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.responses)
}

type recordingWriter struct {
	http.ResponseWriter
	rec *recorded
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	w.rec.body.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
