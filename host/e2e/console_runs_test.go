package e2e

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The console's Runs pages through the real binaries: `integrator
// console` serving a home where the CLI created a connection to the
// simulator, driven over HTTP as a browser without scripts would, plus
// the event stream a script reads.

// An export started from the form runs in the background: its event
// stream tells its progress to its end, its page shows it ok with its
// output to download, byte for byte what `integrator export` writes, as
// an attachment; the history lists it. Nothing the console answered or
// logged holds a secret.
func TestConsoleRunsExport(t *testing.T) {
	sim, home := flowHome(t, "--campaigns", "30")
	c := crStart(t, home)
	status, page := c.get(t, "/runs")
	if status != http.StatusOK || !strings.Contains(page, `<option selected>Prod</option>`) || !strings.Contains(page, "No runs yet.") ||
		!strings.Contains(page, `action="/runs/export"`) || !strings.Contains(page, `action="/runs/import" enctype="multipart/form-data"`) ||
		!strings.Contains(page, `action="/runs/report"`) {
		t.Fatalf("/runs: %d\n%s", status, page)
	}
	path := "accounts/" + sim.AccountID + "/campaigns"
	id := c.start(t, "export", url.Values{"connection": {"Prod"}, "path": {path}, "params": {"count=10\r\n"}})
	events := c.events(t, id)
	if crEnd(events) != "ok" {
		t.Fatalf("the export's events: %+v", events)
	}
	statuses := 0
	for _, e := range events {
		if s, _ := e.Data["status"].(string); e.Name == "status" && strings.HasPrefix(s, "Exporting: ") {
			statuses++
		}
	}
	if statuses == 0 {
		t.Errorf("no status line in the export's events: %+v", events)
	}
	status, page = c.get(t, "/runs/"+id)
	if status != http.StatusOK || !strings.Contains(page, `<span class="outcome ok">ok</span>`) || !strings.Contains(page, "Exported ") ||
		!strings.Contains(page, `href="/runs/`+id+`/files/output"`) || strings.Contains(page, `action="/runs/`+id+`/stop"`) {
		t.Fatalf("the run's page: %d\n%s", status, page)
	}
	want := crCLIExport(t, home, path)
	status, h, body := c.do(t, "GET", "/runs/"+id+"/files/output", "", nil)
	if status != http.StatusOK || h.Get("Content-Disposition") != `attachment; filename="export-`+id+`-output.jsonl"` ||
		body != want || h.Get("X-Content-Type-Options") != "nosniff" || strings.Count(body, "\n") < 21 {
		t.Errorf("the output's download: %d %v, %d bytes; the CLI's %d bytes", status, h, len(body), len(want))
	}
	if _, page = c.get(t, "/runs"); !strings.Contains(page, `<a href="/runs/`+id+`">Export `+id+`</a>`) || !strings.Contains(page, `<span class="outcome ok">ok</span>`) {
		t.Errorf("the history:\n%s", page)
	}
	if info, err := os.Stat(filepath.Join(home, "runs", id)); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("the run's folder: %v, %v", info, err)
	}
	c.crNoSecrets(t, sim)
}

// An import's input file is uploaded with the form; the record on its bad
// line fails, the run ends as failed and says so, and its errors file,
// downloaded, holds that line as it was.
func TestConsoleRunsImportWithABadLine(t *testing.T) {
	sim, home := flowHome(t)
	c := crStart(t, home)
	fi := fundingInstrument(t, home, sim)
	_, good := campaignLines(t, sim, fi, "console import", 2)
	bad := `{"account_id": "` + sim.AccountID + `", "name": "broken`
	content := good[0] + "\n" + bad + "\n" + good[1] + "\n"
	status, loc, body := c.postImport(t, url.Values{"connection": {"Prod"}, "method": {"POST"}, "path": {"accounts/{account_id}/campaigns"}}, "campaigns.jsonl", content)
	id := crRunID(t, status, loc, body)
	if got := crEnd(c.events(t, id)); got != "failed" {
		t.Fatalf("the import ended %q", got)
	}
	status, page := c.get(t, "/runs/"+id)
	if status != http.StatusOK || !strings.Contains(page, "Imported 3 records: 2 ok, 1 failed, 0 unknown") ||
		!strings.Contains(page, "1 record failed: its input line is in the errors file") || !strings.Contains(page, "import of campaigns.jsonl (POST accounts/{account_id}/campaigns)") ||
		strings.Contains(page, `action="/runs/`+id+`/resume"`) {
		t.Fatalf("the import's page:\n%s", page)
	}
	status, h, errs := c.do(t, "GET", "/runs/"+id+"/files/errors", "", nil)
	if status != http.StatusOK || errs != bad+"\n" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") {
		t.Errorf("the errors file: %d %q %v", status, errs, h)
	}
	if status, results := c.get(t, "/runs/"+id+"/files/results"); status != http.StatusOK || strings.Count(results, "\n") != 3 {
		t.Errorf("the results file: %d\n%s", status, results)
	}
	if names := campaignNames(t, home, sim); names["console import 000"] != 1 || names["console import 001"] != 1 {
		t.Errorf("the campaigns made: %v", names)
	}
	c.crNoSecrets(t, sim)
}

// A run is stopped with its Stop button and resumed with its Resume
// button; GET on those never acts. The resumed export's output holds every
// record once.
func TestConsoleRunsStopAndResume(t *testing.T) {
	sim, home := flowHome(t, "--campaigns", "30", "--fault", "slow,delay=60s,path=/campaigns,every=2,times=1")
	c := crStart(t, home)
	id := c.start(t, "export", url.Values{"connection": {"Prod"}, "path": {"accounts/" + sim.AccountID + "/campaigns"}, "params": {"count=10"}})
	part := filepath.Join(home, "runs", id, "output.jsonl.part")
	waitFor(t, time.Minute, "the export's first page", func() bool { return fileSize(part) > 0 })
	for _, action := range []string{"stop", "resume"} {
		if status, _ := c.get(t, "/runs/"+id+"/"+action); status != http.StatusMethodNotAllowed {
			t.Errorf("GET %s: %d", action, status)
		}
	}
	if status, page := c.get(t, "/runs/"+id); !strings.Contains(page, `<span class="outcome running">running</span>`) ||
		!strings.Contains(page, `action="/runs/`+id+`/stop"`) || !strings.Contains(page, `data-events="/runs/`+id+`/events?after=`) {
		t.Fatalf("the running export's page: %d\n%s", status, page)
	}
	if status, loc, body := c.post(t, "/runs/"+id+"/stop", nil); status != http.StatusSeeOther || loc != "/runs/"+id {
		t.Fatalf("stop: %d %q\n%s", status, loc, body)
	}
	if got := crEnd(c.events(t, id)); got != "stopped" {
		t.Fatalf("the stopped export ended %q", got)
	}
	status, page := c.get(t, "/runs/"+id)
	if !strings.Contains(page, `<span class="outcome stopped">stopped</span>`) || !strings.Contains(page, `action="/runs/`+id+`/resume"`) ||
		!strings.Contains(page, "Stopped on request. 10 records in 1 page are saved; run the same command with Resume to continue") {
		t.Fatalf("the stopped export's page: %d\n%s", status, page)
	}
	if status, _, body := c.post(t, "/runs/"+id+"/stop", nil); status != http.StatusConflict || !strings.Contains(body, "It is not in progress") {
		t.Errorf("stopping a stopped run: %d\n%s", status, body)
	}
	if status, loc, body := c.post(t, "/runs/"+id+"/resume", nil); status != http.StatusSeeOther || loc != "/runs/"+id {
		t.Fatalf("resume: %d %q\n%s", status, loc, body)
	}
	events := c.events(t, id)
	if crEnd(events) != "ok" {
		t.Fatalf("the resumed export's events: %+v", events)
	}
	_, page = c.get(t, "/runs/"+id)
	if !strings.Contains(page, "(resumed)") || !strings.Contains(page, "<dt>Attempts</dt><dd>2 (resumed)</dd>") {
		t.Errorf("the resumed export's page:\n%s", page)
	}
	clean := crCLIExport(t, home, "accounts/"+sim.AccountID+"/campaigns")
	_, body := c.get(t, "/runs/"+id+"/files/output")
	if body != clean {
		t.Errorf("the resumed output holds %d lines, the CLI's export %d", strings.Count(body, "\n"), strings.Count(clean, "\n"))
	}
	c.crNoSecrets(t, sim)
}

// What a start form is given is checked before anything runs: every
// problem is listed, what was typed is kept, nothing is recorded; an
// import's uploaded file is removed with its refused form.
func TestConsoleRunsRefusals(t *testing.T) {
	_, home := flowHome(t)
	c := crStart(t, home)
	status, _, page := c.post(t, "/runs/export", url.Values{"connection": {"Prod"}, "records": {"items"}, "max_records": {"-5"}})
	if status != http.StatusBadRequest || !strings.Contains(page, "Path is required") || !strings.Contains(page, "Max records must not be negative") ||
		!strings.Contains(page, `name="records" value="items"`) {
		t.Errorf("an export without a path: %d\n%s", status, page)
	}
	status, _, page = c.post(t, "/runs/report", url.Values{"connection": {"Prod"}, "account": {"acc1"}, "start": {"yesterday"}})
	if status != http.StatusBadRequest || !strings.Contains(page, `Start: &#34;yesterday&#34; is not a time`) || !strings.Contains(page, `name="account" required value="acc1"`) {
		t.Errorf("a report with a bad start: %d\n%s", status, page)
	}
	status, _, page = c.postImport(t, url.Values{"connection": {"Prod"}, "method": {"PATCH"}, "path": {"accounts/{account_id}/campaigns"}}, "in.jsonl", `{"a":1}`+"\n")
	if status != http.StatusBadRequest || !strings.Contains(page, `method &#34;PATCH&#34;: an import sends POST, PUT or DELETE`) ||
		!strings.Contains(page, "Choose the file again") {
		t.Errorf("an import with a bad method: %d\n%s", status, page)
	}
	status, _, page = c.post(t, "/runs/export", url.Values{"connection": {"Staging"}, "path": {"accounts"}})
	if status != http.StatusBadRequest || !strings.Contains(page, `Connection: no such connection: &#34;Staging&#34;`) {
		t.Errorf("an export through no connection: %d\n%s", status, page)
	}
	if _, page = c.get(t, "/runs"); !strings.Contains(page, "No runs yet.") {
		t.Errorf("refused runs are in the history:\n%s", page)
	}
	if left, _ := os.ReadDir(filepath.Join(home, "runs")); len(left) != 0 {
		t.Errorf("refused runs left folders: %v", left)
	}
	for _, path := range []string{"/runs/0123456789abcdef", "/runs/0123456789abcdef/events", "/runs/0123456789abcdef/files/output", "/runs/..%2f..%2fintegrator.db"} {
		if status, _ := c.get(t, path); status != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, status)
		}
	}
}

// A console stopped while a run is in progress stops the run (what it
// saved kept); the console started again lists it as stopped, and
// resumes it to its end.
func TestConsoleRunsOutliveTheConsole(t *testing.T) {
	sim, home := flowHome(t, "--campaigns", "30", "--fault", "slow,delay=60s,path=/campaigns,every=2,times=1")
	c := crStart(t, home)
	id := c.start(t, "export", url.Values{"connection": {"Prod"}, "path": {"accounts/" + sim.AccountID + "/campaigns"}, "params": {"count=10"}})
	waitFor(t, time.Minute, "the export's first page", func() bool { return fileSize(filepath.Join(home, "runs", id, "output.jsonl.part")) > 0 })
	c.proc.cmd.Process.Signal(syscall.SIGINT)
	if code := c.proc.wait(t, time.Minute); code != 130 { // as every command Ctrl-C stops
		t.Errorf("the console stopped with exit %d\n%s", code, c.proc.stderr.String())
	}
	c2 := crStart(t, home)
	_, page := c2.get(t, "/runs")
	row := regexp.MustCompile(`(?s)<a href="/runs/` + id + `">Export ` + id + `</a>.*?</tr>`).FindString(page)
	if !strings.Contains(row, `<span class="outcome stopped">stopped</span>`) {
		t.Fatalf("the history after a restart:\n%s", page)
	}
	if status, loc, body := c2.post(t, "/runs/"+id+"/resume", nil); status != http.StatusSeeOther || loc != "/runs/"+id {
		t.Fatalf("resume: %d %q\n%s", status, loc, body)
	}
	if got := crEnd(c2.events(t, id)); got != "ok" {
		t.Fatalf("the resumed export ended %q", got)
	}
	if _, body := c2.get(t, "/runs/"+id+"/files/output"); body != crCLIExport(t, home, "accounts/"+sim.AccountID+"/campaigns") {
		t.Errorf("the resumed output holds %d lines", strings.Count(body, "\n"))
	}
	c.crNoSecrets(t, sim)
	c2.crNoSecrets(t, sim)
}

// crCLIExport is what `integrator export` writes of path, in pages of 10.
func crCLIExport(t *testing.T, home, path string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "cli.jsonl")
	mustRun(t, home, nil, "export", "Prod", path, "-F", "count=10", "--out", out)
	return string(readBytes(t, out))
}

// A report started from its form creates, polls and downloads its job in
// the background; its rows are there to download.
func TestConsoleRunsReport(t *testing.T) {
	sim, home := flowHome(t, "--job-delay", "300ms")
	ids := lineItemIDs(t, sim, home, 2)
	c := crStart(t, home)
	id := c.start(t, "report", url.Values{"connection": {"Prod"}, "account": {sim.AccountID}, "entity": {"line_item"},
		"ids": {strings.Join(ids, ", ")}, "start": {"2026-01-01"}, "end": {"2026-01-03"}, "granularity": {"DAY"}, "metrics": {"engagement"}})
	events := c.events(t, id)
	if crEnd(events) != "ok" {
		t.Fatalf("the report's events: %+v", events)
	}
	_, page := c.get(t, "/runs/"+id)
	if !strings.Contains(page, "Report complete: 2 rows from 1 job") || !strings.Contains(page, "report of 2 LINE_ITEM ids (ENGAGEMENT) of account "+sim.AccountID) {
		t.Errorf("the report's page:\n%s", page)
	}
	status, h, body := c.do(t, "GET", "/runs/"+id+"/files/output", "", nil)
	if status != http.StatusOK || strings.Count(body, "\n") != 2 || !strings.Contains(body, `"granularity":"DAY"`) ||
		h.Get("Content-Disposition") != `attachment; filename="report-`+id+`-output.jsonl"` {
		t.Errorf("the report's rows: %d %v\n%s", status, h, body)
	}
	c.crNoSecrets(t, sim)
}
