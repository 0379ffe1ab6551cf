package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The export of 25,000 campaigns the acceptance asks for: every record,
// deleted ones too, in pages of 500.
const exportCampaigns = 25000

func exportArgs(sim simInfo, out string, extra ...string) []string {
	return append([]string{"export", "Prod", "accounts/" + sim.AccountID + "/campaigns",
		"-F", "count=500", "-F", "with_deleted=true", "--out", out}, extra...)
}

// cleanExport exports the campaigns of a simulator without faults: the
// reference every other export must equal (equal seeds, equal data).
func cleanExport(t *testing.T) []byte {
	t.Helper()
	sim, home := flowHome(t, "--campaigns", fmt.Sprint(exportCampaigns))
	out := filepath.Join(t.TempDir(), "clean.jsonl")
	mustRun(t, home, nil, exportArgs(sim, out)...)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkExport compares an export with the clean one and checks that each
// of the 25,000 campaigns is in it once.
func checkExport(t *testing.T, path string, clean []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range jsonLines(t, path) {
		id, _ := c["id"].(string)
		if ids[id] {
			t.Errorf("campaign %s is in the export twice", id)
		}
		ids[id] = true
	}
	if len(ids) != exportCampaigns {
		t.Errorf("%d distinct campaigns, want %d", len(ids), exportCampaigns)
	}
	if !bytes.Equal(got, clean) {
		t.Errorf("the export (%d bytes) differs from the clean run (%d bytes)", len(got), len(clean))
	}
	if _, err := os.Stat(path + ".part"); !os.IsNotExist(err) {
		t.Errorf("the part file is left: %v", err)
	}
}

// TestExportSurvivesFaultsAndPluginKills exports 25,000 campaigns from a
// simulator that fails about 20% of requests (429, 503, connection resets)
// and kills the plugin process twice during the run: the file must equal
// a clean run's.
func TestExportSurvivesFaultsAndPluginKills(t *testing.T) {
	t.Parallel()
	clean := cleanExport(t)
	sim, home := flowHome(t, "--campaigns", fmt.Sprint(exportCampaigns),
		"--fault", "too_many_requests,fraction=0.075,retry-after=100ms",
		"--fault", "unavailable,fraction=0.075",
		"--fault", "reset_before,fraction=0.075")
	out := filepath.Join(t.TempDir(), "campaigns.jsonl")
	run := startIntegrator(t, home, exportArgs(sim, out, "--progress", "plain")...)
	host := run.cmd.Process.Pid

	var killed []int
	for _, threshold := range []int64{1 << 20, 5 << 20} {
		var victim int
		waitFor(t, 60*time.Second, "the plugin to run and the export to grow", func() bool {
			if run.exited() {
				t.Fatalf("the export ended before the plugin was killed twice (%d kills)\n%s", len(killed), run.stderr.String())
			}
			for _, pid := range pluginChildren(host) {
				if !slices.Contains(killed, pid) && fileSize(out+".part") >= threshold {
					victim = pid
					return true
				}
			}
			return false
		})
		kill(t, victim)
		killed = append(killed, victim)
	}
	if code := run.wait(t, 90*time.Second); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, run.stderr.String())
	}
	checkExport(t, out, clean)
	// A plugin killed between two pages is started again by the host's
	// supervisor unseen; one killed during a page costs that page, asked
	// for again from the last checkpoint.
	t.Logf("killed plugins %v; export stderr:\n%s", killed, run.stderr.String())
}

// TestExportResumesAfterTheHostIsKilled kills the host in the middle of
// an export; the same command with --resume completes it, every record
// exactly once.
func TestExportResumesAfterTheHostIsKilled(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t, "--campaigns", fmt.Sprint(exportCampaigns))
	refOut := filepath.Join(t.TempDir(), "reference.jsonl")
	mustRun(t, home, nil, exportArgs(sim, refOut)...)
	clean, err := os.ReadFile(refOut)
	if err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "campaigns.jsonl")
	run := startIntegrator(t, home, exportArgs(sim, out)...)
	var plugins []int
	waitFor(t, 60*time.Second, "the export to be half done", func() bool {
		if run.exited() {
			t.Fatalf("the export ended before it could be killed\n%s", run.stderr.String())
		}
		plugins = pluginChildren(run.cmd.Process.Pid)
		return fileSize(out+".part") >= int64(len(clean)/2)
	})
	kill(t, run.cmd.Process.Pid)
	run.wait(t, 10*time.Second)
	for _, pid := range plugins { // orphaned, if it did not die with the host
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	if fileSize(out) != 0 {
		t.Fatal("the output was put in place by a killed run")
	}

	again := integrator(t, home, nil, exportArgs(sim, out)...)
	if again.code != 1 || !strings.Contains(again.stderr, "run the same command with --resume") {
		t.Fatalf("without --resume: exit %d\n%s", again.code, again.stderr)
	}
	r := mustRun(t, home, nil, exportArgs(sim, out, "--resume", "--progress", "plain")...)
	if !strings.Contains(r.stderr, "Resuming the export") || !strings.Contains(r.stderr, "(resumed)") {
		t.Errorf("resume stderr:\n%s", r.stderr)
	}
	checkExport(t, out, clean)
}

// TestImportWithResetsCreatesEachRecordOnce imports 500 campaigns while
// the simulator resets 10% of the POSTs (half of them after creating the
// campaign) and throttles a few. No campaign may be created twice;
// failures and unknown outcomes go to the error file, and feeding back the
// records that listing shows were not created completes the set.
func TestImportWithResetsCreatesEachRecordOnce(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t, "--write-limit", "-1",
		"--fault", "reset_before,fraction=0.05,method=POST",
		"--fault", "reset_after,fraction=0.05,method=POST",
		"--fault", "too_many_requests,fraction=0.01,method=POST,retry-after=200ms")
	fi := fundingInstrument(t, home, sim)
	dir := t.TempDir()
	const n = 500
	in := filepath.Join(dir, "campaigns.jsonl")
	lines := map[string]string{} // name -> input line
	var b strings.Builder
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("e2e import %03d", i)
		line := fmt.Sprintf(`{"account_id":%q,"name":%q,"funding_instrument_id":%q,"daily_budget_amount_local_micro":1000000,"entity_status":"PAUSED"}`,
			sim.AccountID, name, fi)
		lines[name] = line
		b.WriteString(line + "\n")
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	results, errs := filepath.Join(dir, "results.jsonl"), filepath.Join(dir, "errors.jsonl")
	args := func(in string) []string {
		return []string{"import", "Prod", "-X", "POST", "accounts/{account_id}/campaigns", "--in", in,
			"--concurrency", "8", "--results", results, "--errors", errs}
	}
	r := integrator(t, home, nil, args(in)...)
	res := jsonLines(t, results)
	if len(res) != n {
		t.Fatalf("%d result lines, want %d\n%s", len(res), n, r.stderr)
	}
	bad := 0
	for i, x := range res {
		if x["line"] != float64(i+1) {
			t.Fatalf("result %d is of line %v", i, x["line"])
		}
		switch x["result"] {
		case "ok":
			if id, _ := x["id"].(string); id == "" {
				t.Errorf("line %d: no created id: %v", i+1, x)
			}
		case "unknown", "failed":
			bad++
		}
	}
	if bad == 0 || r.code != 1 {
		t.Fatalf("no failures or unknown outcomes with resets injected (exit %d)\n%s", r.code, r.stderr)
	}
	if got := len(jsonLines(t, errs)); got != bad {
		t.Errorf("%d lines in the error file, %d results not ok", got, bad)
	}

	// The same import again sends nothing: outcomes are in the ledger and
	// unknown creates are never retried by themselves.
	before := campaignNames(t, home, sim)
	integrator(t, home, nil, args(in)...)
	if after := campaignNames(t, home, sim); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("running the same import again changed the campaigns")
	}

	// As a careful user: drop from the error file what listing shows was
	// created, import the rest with --again (their outcome is unknown, so
	// the ledger would skip them), until nothing is left.
	for round := 1; ; round++ {
		names := campaignNames(t, home, sim)
		var retry strings.Builder
		for name, c := range names {
			if c > 1 && strings.HasPrefix(name, "e2e import") {
				t.Fatalf("%q was created %d times", name, c)
			}
		}
		for _, x := range jsonLines(t, errs) {
			name, _ := x["name"].(string)
			if names[name] == 0 {
				retry.WriteString(lines[name] + "\n")
			}
		}
		if retry.Len() == 0 {
			break
		}
		if round > 5 {
			t.Fatalf("records still missing after %d rounds", round)
		}
		next := filepath.Join(dir, fmt.Sprintf("retry-%d.jsonl", round))
		if err := os.WriteFile(next, []byte(retry.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		integrator(t, home, nil, append(args(next), "--again")...)
	}
	names := campaignNames(t, home, sim)
	for name := range lines {
		if names[name] != 1 {
			t.Errorf("%q exists %d times", name, names[name])
		}
	}
}

// TestImportLineItemsInBatches sends 45 line items to the batch endpoint,
// 20 at a time.
func TestImportLineItemsInBatches(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t)
	campaigns := filepath.Join(t.TempDir(), "campaigns.jsonl")
	mustRun(t, home, nil, "export", "Prod", "accounts/"+sim.AccountID+"/campaigns", "--max-records", "1", "--out", campaigns)
	campaign := jsonLines(t, campaigns)[0]["id"].(string)
	in := filepath.Join(t.TempDir(), "line_items.jsonl")
	var b strings.Builder
	for i := 0; i < 45; i++ {
		fmt.Fprintf(&b, `{"account_id":%q,"campaign_id":%q,"name":"e2e batch %02d","objective":"ENGAGEMENTS","product_type":"PROMOTED_TWEETS","placements":["ALL_ON_TWITTER"],"bid_amount_local_micro":%d}`+"\n",
			sim.AccountID, campaign, i, 10000+i)
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, home, nil, "import", "Prod", "-X", "POST", "accounts/{account_id}/line_items", "--in", in,
		"--batch-path", "batch/accounts/{account_id}/line_items", "--batch", "20", "--progress", "plain")
	res := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(res) != 45 || !strings.Contains(r.stderr, "45 ok, 0 failed, 0 unknown") {
		t.Fatalf("%d results\n%s\n%s", len(res), r.stdout, r.stderr)
	}
	list := filepath.Join(t.TempDir(), "li.jsonl")
	mustRun(t, home, nil, "export", "Prod", "accounts/"+sim.AccountID+"/line_items", "-F", "campaign_ids="+campaign, "--out", list)
	found := 0
	for _, li := range jsonLines(t, list) {
		if name, _ := li["name"].(string); strings.HasPrefix(name, "e2e batch") {
			found++
		}
	}
	if found != 45 {
		t.Errorf("%d of 45 line items listed", found)
	}
}

// TestReportSplitsWindowAndIDs runs a report over 120 days for 45 line
// items: 2 windows × 3 id groups = 6 jobs, and every row present once.
func TestReportSplitsWindowAndIDs(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t, "--job-delay", "300ms")
	ids := lineItemIDs(t, sim, home, 45)
	out := filepath.Join(t.TempDir(), "report.jsonl")
	r := mustRun(t, home, nil, "report", "Prod", "--account", sim.AccountID, "--entity", "LINE_ITEM", "--ids", strings.Join(ids, ","),
		"--start", "2026-01-01", "--end", "2026-05-01", "--granularity", "DAY", "--metrics", "ENGAGEMENT,BILLING",
		"--out", out, "--poll-interval", "200ms", "--progress", "plain")
	if !strings.Contains(r.stderr, "6 jobs") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	rows := jsonLines(t, out)
	seen, jobs, windows := map[string]int{}, map[string]bool{}, map[string]bool{}
	for _, row := range rows {
		seen[fmt.Sprint(row["id"], " ", row["start_time"])]++
		jobs[row["job_id"].(string)] = true
		windows[fmt.Sprint(row["start_time"], "..", row["end_time"])] = true
		m, _ := row["metrics"].(map[string]any)
		if m["impressions"] == nil || m["billed_charge_local_micro"] == nil {
			t.Fatalf("row without the asked metrics: %v", row)
		}
	}
	wantWindows := map[string]bool{"2026-01-01T00:00:00Z..2026-04-01T00:00:00Z": true, "2026-04-01T00:00:00Z..2026-05-01T00:00:00Z": true}
	if len(rows) != 90 || len(seen) != 90 || len(jobs) != 6 || fmt.Sprint(windows) != fmt.Sprint(wantWindows) {
		t.Errorf("%d rows, %d distinct, %d jobs, windows %v", len(rows), len(seen), len(jobs), windows)
	}
}

// TestReportResumesAfterTheHostIsKilled kills a report once all its jobs
// are created and none is done, and resumes it: the resumed run asks for
// the jobs the first one created instead of creating them again, and the
// output matches a report that was never interrupted.
func TestReportResumesAfterTheHostIsKilled(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t, "--job-delay", "6s")
	ids := lineItemIDs(t, sim, home, 45)
	out := filepath.Join(t.TempDir(), "report.jsonl")
	args := []string{"report", "Prod", "--account", sim.AccountID, "--entity", "LINE_ITEM", "--ids", strings.Join(ids, ","),
		"--start", "2026-01-01", "--end", "2026-05-01", "--granularity", "DAY", "--metrics", "ENGAGEMENT",
		"--out", out, "--poll-interval", "200ms", "--progress", "plain"}
	jobsOnTheAPI := func() int {
		r := mustRun(t, home, nil, "api", "Prod", "stats/jobs/accounts/"+sim.AccountID, "-F", "count=1", "-F", "with_total_count=true")
		var b struct {
			Total int `json:"total_count"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &b); err != nil {
			t.Fatalf("listing the jobs: %v\n%s", err, r.stdout)
		}
		return b.Total
	}

	run := startIntegrator(t, home, args...)
	var plugins []int
	waitFor(t, 30*time.Second, "the report to create its 6 jobs", func() bool {
		if run.exited() {
			t.Fatalf("the report ended before it could be killed\n%s", run.stderr.String())
		}
		plugins = pluginChildren(run.cmd.Process.Pid)
		return jobsOnTheAPI() == 6
	})
	time.Sleep(500 * time.Millisecond) // the last job's id reaches the checkpoint
	kill(t, run.cmd.Process.Pid)
	run.wait(t, 10*time.Second)
	for _, pid := range plugins {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	if fileSize(out) != 0 || fileSize(out+".part") != 0 {
		t.Fatalf("the killed run wrote rows (%d, %d bytes): the jobs finished too soon for this test", fileSize(out), fileSize(out+".part"))
	}

	again := integrator(t, home, nil, args...)
	if again.code != 1 || !strings.Contains(again.stderr, "--resume") || !strings.Contains(again.stderr, "6 of 6 jobs were created and the rows of 0 were saved") {
		t.Fatalf("without --resume: exit %d\n%s", again.code, again.stderr)
	}
	r := mustRun(t, home, nil, append(args, "--resume")...)
	if !strings.Contains(r.stderr, "Resuming the report") || !strings.Contains(r.stderr, "polling the 6 jobs") || !strings.Contains(r.stderr, "(resumed)") {
		t.Errorf("resume stderr:\n%s", r.stderr)
	}
	if n := jobsOnTheAPI(); n != 6 {
		t.Errorf("%d jobs on the API after resuming; the resumed run should have created none", n)
	}
	rows := jsonLines(t, out)
	seen := map[string]int{}
	for _, row := range rows {
		seen[fmt.Sprint(row["id"], " ", row["start_time"])]++
	}
	if len(rows) != 90 || len(seen) != 90 {
		t.Errorf("%d rows, %d distinct; want 90", len(rows), len(seen))
	}
}

// lineItemIDs exports the first n line items of the simulator's account and
// returns their ids.
func lineItemIDs(t *testing.T, sim simInfo, home string, n int) []string {
	t.Helper()
	items := filepath.Join(t.TempDir(), "li.jsonl")
	mustRun(t, home, nil, "export", "Prod", "accounts/"+sim.AccountID+"/line_items", "-F", "count=100",
		"--max-records", fmt.Sprint(n), "--out", items)
	var ids []string
	for _, li := range jsonLines(t, items) {
		ids = append(ids, li["id"].(string))
	}
	if len(ids) != n {
		t.Fatalf("%d line items, want %d", len(ids), n)
	}
	return ids
}

// Ctrl-C during a report to a file says what is kept and how to continue.
func TestInterruptedReportSaysHowToContinue(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t, "--job-delay", "6s")
	ids := lineItemIDs(t, sim, home, 2)
	out := filepath.Join(t.TempDir(), "report.jsonl")
	run := startIntegrator(t, home, "report", "Prod", "--account", sim.AccountID, "--entity", "LINE_ITEM", "--ids", strings.Join(ids, ","),
		"--start", "2026-01-01", "--end", "2026-02-01", "--granularity", "DAY", "--metrics", "ENGAGEMENT",
		"--out", out, "--poll-interval", "200ms", "--progress", "plain")
	waitFor(t, 30*time.Second, "the report's job to be created", func() bool {
		if run.exited() {
			t.Fatalf("the report ended early:\n%s", run.stderr.String())
		}
		r := mustRun(t, home, nil, "api", "Prod", "stats/jobs/accounts/"+sim.AccountID, "-F", "count=1")
		return strings.Contains(r.stdout, `"id_str"`)
	})
	time.Sleep(500 * time.Millisecond) // the job's id reaches the checkpoint
	if err := run.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	code := run.wait(t, 10*time.Second)
	stderr := run.stderr.String()
	if code != 130 || !strings.Contains(stderr, "error: stopped by interrupt\n0 rows from 0 of 1 job are saved; run the same command with --resume to continue\n") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}
