package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// The Runs pages in a real browser (Debian's chromium, driven by
// chromedp) over the real binaries: an export watched live to its end,
// an import with a bad line whose errors file is downloaded, and a run
// stopped and resumed with its buttons. Each page is shot at 390 and 1280
// px wide (and must not be wider than the screen), into
// $INTEGRATOR_CONSOLE_SCREENSHOTS when set (docs/console holds the
// committed ones), else into the test's own folder.

// crbBrowser starts a headless chromium for the test (INTEGRATOR_BROWSER
// names another). Without one it skips, saying how to get one, except in
// CI (INTEGRATOR_CI or CI set; .ci/run sets the first), where it fails.
func crbBrowser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("INTEGRATOR_BROWSER")
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if path != "" {
			break
		}
		if p, err := exec.LookPath(name); err == nil {
			path = p
		}
	}
	if path == "" {
		for _, v := range []string{"INTEGRATOR_CI", "CI"} {
			if os.Getenv(v) != "" {
				t.Fatalf("no browser for the console's browser tests and %s is set: they must run in CI; install chromium (apt-get install -y chromium)", v)
			}
		}
		t.Skip("no browser for the console's browser tests (chromium, or INTEGRATOR_BROWSER): install it with apt-get install -y chromium to run them")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// crbShots is where the screenshots go.
func crbShots(t *testing.T) string {
	if dir := os.Getenv("INTEGRATOR_CONSOLE_SCREENSHOTS"); dir != "" {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(moduleRoot(), dir)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

// crbShoot writes full-page screenshots of the current page at 390 and
// 1280 px wide, DIR/NAME-390.png and DIR/NAME-1280.png, and checks that
// nothing is wider than the screen at either width.
func crbShoot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	for _, width := range []int64{390, 1280} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 844)); err != nil {
			t.Fatal(err)
		}
		over, err := chromedp.Run(ctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth - document.documentElement.clientWidth"))
		if err != nil {
			t.Fatal(err)
		}
		if over > 0 {
			t.Errorf("%s at %d px: the page is %d px wider than the screen", name, width, over)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG (less is JPEG)
		if err != nil {
			t.Fatalf("screenshot %s at %d px: %v", name, width, err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width)), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
}

// crbPage is the page's HTML as the browser holds it now.
func crbPage(t *testing.T, ctx context.Context) string {
	t.Helper()
	html, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		t.Fatal(err)
	}
	return html
}

// crbOpen opens the console's one-time link in the browser, which signs
// it in.
func crbOpen(t *testing.T, ctx context.Context, home string) *crConsole {
	t.Helper()
	proc := startIntegrator(t, home, "--log-level", "debug", "console", "--no-browser")
	waitFor(t, 30*time.Second, "the console's link", func() bool { return strings.HasSuffix(proc.stdout.String(), "\n") || proc.exited() })
	link := strings.TrimSpace(proc.stdout.String())
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		t.Fatalf("the console's link %q: %v\n%s", link, err, proc.stderr.String())
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	return &crConsole{proc: proc, base: u.Scheme + "://" + u.Host}
}

// crbRunID is the id of the run whose page the browser shows.
func crbRunID(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(loc)
	id := strings.TrimPrefix(u.Path, "/runs/")
	if len(id) != 16 {
		t.Fatalf("the browser is not on a run's page: %s", loc)
	}
	return id
}

func TestConsoleRunsInBrowser(t *testing.T) {
	ctx := crbBrowser(t)
	shots := crbShots(t)
	var pages []string // every page the browser showed, for the canary
	var sims []simInfo
	var consoles []*crConsole

	t.Run("an export watched live to its end", func(t *testing.T) {
		sim, home := flowHome(t, "--campaigns", "30", "--fault", "slow,delay=700ms,path=/campaigns")
		sims = append(sims, sim)
		c := crbOpen(t, ctx, home)
		consoles = append(consoles, c)
		err := chromedp.Do(ctx,
			chromedp.Navigate(c.base+"/runs"),
			chromedp.Click(chromedp.CSS(`#export > summary`)),
			chromedp.WaitVisible(chromedp.ID("export-path")),
		)
		if err != nil {
			t.Fatal(err)
		}
		crbShoot(t, ctx, shots, "runs-start")
		err = chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.ID("export-path"), "accounts/"+sim.AccountID+"/campaigns"),
			chromedp.SendKeys(chromedp.ID("export-params"), "count=10"),
			chromedp.Click(chromedp.CSS(`#export button[type=submit]`)),
			// The status line changes while the run runs, without a reload:
			// the event stream brings it.
			chromedp.WaitVisible(`//p[@id="run-status"][starts-with(normalize-space(.), "Exporting:")]`),
		)
		if err != nil {
			t.Fatalf("starting the export and watching it: %v\n%s", err, crbPage(t, ctx))
		}
		status, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("run-status")))
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, crbPage(t, ctx))
		if !strings.Contains(pages[len(pages)-1], `class="outcome running"`) {
			t.Errorf("the status %q came while the page said not running", status)
		}
		crbShoot(t, ctx, shots, "run-live")
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".outcome.ok"))); err != nil {
			t.Fatalf("the export did not end ok: %v\n%s", err, crbPage(t, ctx))
		}
		page := crbPage(t, ctx)
		pages = append(pages, page)
		if !strings.Contains(page, "Exported ") || !strings.Contains(page, `id="file-output"`) {
			t.Errorf("the ended export's page:\n%s", page)
		}
		crbShoot(t, ctx, shots, "run-ok")
	})

	t.Run("an import with a bad line, its errors file downloaded", func(t *testing.T) {
		sim, home := flowHome(t)
		sims = append(sims, sim)
		c := crbOpen(t, ctx, home)
		consoles = append(consoles, c)
		fi := fundingInstrument(t, home, sim)
		_, good := campaignLines(t, sim, fi, "browser import", 2)
		bad := `{"account_id": "` + sim.AccountID + `", "name": "broken`
		in := filepath.Join(t.TempDir(), "campaigns.jsonl")
		writeFile(t, in, good[0]+"\n"+bad+"\n"+good[1]+"\n")
		downloads := t.TempDir()
		err := chromedp.Do(ctx,
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
					Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
				return err
			}),
			chromedp.Navigate(c.base+"/runs"),
			chromedp.Click(chromedp.CSS(`#import > summary`)),
			chromedp.WaitVisible(chromedp.ID("import-path")),
			chromedp.SendKeys(chromedp.ID("import-path"), "accounts/{account_id}/campaigns"),
			chromedp.SetUploadFiles(chromedp.ID("import-input"), []string{in}),
		)
		if err != nil {
			t.Fatal(err)
		}
		crbShoot(t, ctx, shots, "runs-import-form")
		err = chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`#import button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(".outcome.failed")),
		)
		if err != nil {
			t.Fatalf("the import: %v\n%s", err, crbPage(t, ctx))
		}
		id := crbRunID(t, ctx)
		page := crbPage(t, ctx)
		pages = append(pages, page)
		if !strings.Contains(page, "Imported 3 records: 2 ok, 1 failed, 0 unknown") || !strings.Contains(page, "1 record failed") {
			t.Errorf("the import's page:\n%s", page)
		}
		crbShoot(t, ctx, shots, "run-failed-import")
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("file-errors"))); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(downloads, "import-"+id+"-errors.jsonl")
		waitFor(t, 30*time.Second, "the errors file's download", func() bool { return fileSize(file) > 0 })
		if got := string(readBytes(t, file)); got != bad+"\n" {
			t.Errorf("the downloaded errors file: %q", got)
		}
	})

	t.Run("a run stopped and resumed with its buttons", func(t *testing.T) {
		sim, home := flowHome(t, "--campaigns", "30", "--fault", "slow,delay=60s,path=/campaigns,every=2,times=1")
		sims = append(sims, sim)
		c := crbOpen(t, ctx, home)
		consoles = append(consoles, c)
		err := chromedp.Do(ctx,
			chromedp.Navigate(c.base+"/runs"),
			chromedp.Click(chromedp.CSS(`#export > summary`)),
			chromedp.SendKeys(chromedp.ID("export-path"), "accounts/"+sim.AccountID+"/campaigns"),
			chromedp.SendKeys(chromedp.ID("export-params"), "count=10"),
			chromedp.Click(chromedp.CSS(`#export button[type=submit]`)),
			chromedp.WaitVisible(chromedp.ID("run-stop")),
		)
		if err != nil {
			t.Fatal(err)
		}
		id := crbRunID(t, ctx)
		waitFor(t, time.Minute, "the export's first page", func() bool { return fileSize(filepath.Join(home, "runs", id, "output.jsonl.part")) > 0 })
		err = chromedp.Do(ctx,
			chromedp.Click(chromedp.ID("run-stop")),
			chromedp.WaitVisible(chromedp.CSS(".outcome.stopped")),
			chromedp.WaitVisible(chromedp.ID("run-resume")),
		)
		if err != nil {
			t.Fatalf("stopping: %v\n%s", err, crbPage(t, ctx))
		}
		pages = append(pages, crbPage(t, ctx))
		crbShoot(t, ctx, shots, "run-stopped")
		err = chromedp.Do(ctx,
			chromedp.Click(chromedp.ID("run-resume")),
			chromedp.WaitVisible(chromedp.CSS(".outcome.ok")),
		)
		if err != nil {
			t.Fatalf("resuming: %v\n%s", err, crbPage(t, ctx))
		}
		page := crbPage(t, ctx)
		pages = append(pages, page)
		if !strings.Contains(page, "(resumed)") || crbRunID(t, ctx) != id {
			t.Errorf("the resumed export's page:\n%s", page)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(c.base+"/runs"), chromedp.WaitVisible(chromedp.CSS("table.runs"))); err != nil {
			t.Fatal(err)
		}
		pages = append(pages, crbPage(t, ctx))
		crbShoot(t, ctx, shots, "runs-history")
	})

	for _, sim := range sims {
		for i, page := range pages {
			noSecretsIn(t, fmt.Sprintf("page %d the browser showed", i), page, sim)
		}
		for _, c := range consoles {
			noSecretsIn(t, "console's log", c.proc.stderr.String(), sim)
		}
	}
}
