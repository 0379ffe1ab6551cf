package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The queue's proof, end to end: real `integrator worker` processes, each
// in a home of its own (a machine of its own), sharing only a store on
// PostgreSQL and the master key; the real plugin; the simulator as a
// separate process with rate limits of a second's window, so that the
// workers run into them; workers SIGKILLed in the middle of a job, and
// started again. Job times are short (--job-time 2s), so that River runs
// a dead worker's job again within the test (its rescue time is then
// 17 s: the job timeout, max(2 x 2s, 2s + 10s), plus 5 s).

// qwWorkerFlags are the flags of every worker of these tests.
var qwWorkerFlags = []string{"--concurrency", "2", "--job-time", "2s"}

// An export of 100,000 campaigns across two accounts (two queued runs,
// one per account), by three workers, one SIGKILLed in the middle of a
// job and started again: `runs download` gives every campaign of each
// account once, the sorted ids equal the simulator's (as the one-process
// CLI export lists them from a simulator of the same seed), and the
// accounts' read limits were never
// overspent: the simulator saw no 429 beyond the first of a window.
func TestQueuedExportOfTwoAccountsSurvivesAWorkerKill(t *testing.T) {
	t.Parallel()
	const perAccount = 50000
	c := qwNewCluster(t, "--accounts", "2", "--campaigns", fmt.Sprint(perAccount),
		"--read-limit", "4", "--read-window", "1s", "--no-account-limit", "-1")
	accounts := c.accounts()
	if len(accounts) != 2 {
		t.Fatalf("the simulator has accounts %v, want 2", accounts)
	}
	for i := 1; i <= 3; i++ {
		c.startWorker(fmt.Sprintf("worker%d", i), qwWorkerFlags...)
	}
	exportArgs := func(acct string) []string {
		return []string{"export", "Prod", "accounts/" + acct + "/campaigns", "-F", "count=1000", "-F", "with_deleted=true"}
	}
	var runs []string
	for _, a := range accounts {
		runs = append(runs, c.queue(exportArgs(a)...))
	}
	pages := func() int { return c.counts().Requests["GET /accounts/:account_id/campaigns"] }
	victim, _ := c.killBusy("the pages served", 3*time.Minute, pages, 25)
	c.restart(victim)

	var outputs []string
	for _, id := range runs {
		outcome, r := c.wait(id, 5*time.Minute)
		outputs = append(outputs, r.stdout, r.stderr)
		if outcome != "ok" || r.code != 0 {
			t.Fatalf("run %s ended %q (runs wait: exit %d)\n%s%s", id, outcome, r.code, r.stdout, r.stderr)
		}
	}
	if again := c.rerun(); len(again) == 0 {
		t.Errorf("no job was run again after the kill: the kill hit no job that mattered")
	} else {
		t.Logf("jobs run again after the kill: %v", again)
	}

	// The simulator's list, as the one-process CLI exports it from a
	// simulator of the same seed (equal seeds, equal data) without rate
	// limits, so that the reference does not take another 25 s.
	ref := launchSimulator(t, "--accounts", "2", "--campaigns", fmt.Sprint(perAccount), "--read-limit", "-1")
	renv, _ := secretEnv(ref)
	c.mustEnv(renv, createArgs(ref, "Reference", "--no-test")...)
	for i, a := range accounts {
		got := qwIDs(t, c.download(runs[i]), a)
		if len(got) != perAccount {
			t.Errorf("account %s: %d campaigns downloaded, want %d", a, len(got), perAccount)
		}
		refOut := filepath.Join(t.TempDir(), "cli.jsonl")
		args := exportArgs(a)
		args[1] = "Reference"
		c.must(append(args, "--out", refOut)...)
		want := qwIDs(t, refOut, a)
		if !slices.Equal(got, want) {
			t.Errorf("account %s: the downloaded ids (%d) differ from the simulator's (%d)", a, len(got), len(want))
		}
	}
	n := c.counts()
	if n.Overspent == nil {
		t.Errorf("the simulator does not count overspent 429s (i15-limits' counter is not in this build): the rate limits are unproven")
	} else if *n.Overspent != 0 {
		t.Errorf("the workers overspent the read limit: %d 429s beyond the first of their window (%d 429s in all)", *n.Overspent, n.RateLimited)
	}
	t.Logf("simulator: %d campaign pages served, %d 429s from the rate limits, overspent %v", n.Requests["GET /accounts/:account_id/campaigns"], n.RateLimited, derefOr(n.Overspent, -1))
	c.stopAll()
	t.Logf("the workers' notes of jobs: %v", c.notes())
	if shown := c.secretsShown(outputs...); len(shown) > 0 {
		t.Errorf("a secret, the master key or the store's password shows in %v", shown)
	}
}

// qwIDs reads an export's JSON Lines, checks that every record is of the
// account and that no id is there twice, and returns the ids sorted.
func qwIDs(t *testing.T, path, account string) []string {
	t.Helper()
	seen := map[string]bool{}
	var ids []string
	for i, rec := range jsonLines(t, path) {
		id, _ := rec["id"].(string)
		if id == "" || rec["account_id"] != account {
			t.Fatalf("%s line %d: id %q of account %v, want account %s", path, i+1, id, rec["account_id"], account)
		}
		if seen[id] {
			t.Errorf("%s: campaign %s is there twice (line %d)", path, id, i+1)
		}
		seen[id] = true
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func derefOr(p *int, or int) int {
	if p == nil {
		return or
	}
	return *p
}

// An import of 3000 campaign creates, queued, by three workers, one of
// them SIGKILLed twice in the middle of a chunk (and started again each
// time): no campaign is created twice (the simulator's list has each
// record's unique name at most once), every record has a result, a
// record is missing only when its result says unknown, and the write
// limit was never overspent.
func TestQueuedImportSurvivesTwoWorkerKills(t *testing.T) {
	t.Parallel()
	const n = 3000
	c := qwNewCluster(t, "--write-limit", "150", "--write-window", "1s", "--no-account-limit", "-1")
	fi := c.fundingInstrument()
	var in strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&in, `{"account_id":%q,"name":"qw import %04d","funding_instrument_id":%q,"daily_budget_amount_local_micro":1000000,"entity_status":"PAUSED"}`+"\n",
			c.sim.AccountID, i, fi)
	}
	file := filepath.Join(t.TempDir(), "campaigns.jsonl")
	if err := os.WriteFile(file, []byte(in.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		c.startWorker(fmt.Sprintf("worker%d", i), qwWorkerFlags...)
	}
	id := c.queue("import", "Prod", "-X", "POST", "accounts/{account_id}/campaigns", "--in", file)
	created := func() int { return c.counts().Created["campaign"] }
	for _, at := range []int{n / 5, n / 2} {
		victim, _ := c.killBusy("the campaigns created", 3*time.Minute, created, at)
		c.restart(victim)
	}
	outcome, r := c.wait(id, 5*time.Minute)
	if outcome != "ok" && outcome != "failed" {
		t.Fatalf("run %s ended %q (runs wait: exit %d)\n%s%s", id, outcome, r.code, r.stdout, r.stderr)
	}
	if again := c.rerun(); len(again) == 0 {
		t.Errorf("no job was run again after the kills: they hit no job that mattered")
	} else {
		t.Logf("jobs run again after the kills: %v", again)
	}

	results := jsonLines(t, c.download(id, "--results"))
	if len(results) != n {
		t.Fatalf("%d result lines, want %d (every record has one)", len(results), n)
	}
	reported := map[string]string{} // name -> result
	for _, x := range results {
		line, _ := x["line"].(float64)
		if line < 1 || line > n {
			t.Fatalf("a result of line %v: %v", x["line"], x)
		}
		reported[fmt.Sprintf("qw import %04d", int(line)-1)], _ = x["result"].(string)
	}
	names := c.campaignNames()
	unknown, missing := 0, 0
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("qw import %04d", i)
		res := reported[name]
		if res == "unknown" {
			unknown++
		}
		switch {
		case names[name] > 1:
			t.Errorf("%q was created %d times", name, names[name])
		case names[name] == 0 && res != "unknown":
			missing++
			t.Errorf("%q was not created, yet its result is %q (only an unknown result may be missing)", name, res)
		case names[name] == 1 && res != "ok" && res != "unknown":
			t.Errorf("%q was created, yet its result is %q", name, res)
		}
	}
	errs := jsonLines(t, c.download(id, "--errors"))
	total := c.counts()
	t.Logf("%d created, %d unknown, %d error lines; the simulator created %d campaigns, 429s %d, overspent %v",
		len(names), unknown, len(errs), total.Created["campaign"], total.RateLimited, derefOr(total.Overspent, -1))
	if got := total.Created["campaign"]; got > n {
		t.Errorf("the simulator created %d campaigns for %d records", got, n)
	}
	if total.Overspent == nil {
		t.Errorf("the simulator does not count overspent 429s (i15-limits' counter is not in this build): the rate limits are unproven")
	} else if *total.Overspent != 0 {
		t.Errorf("the workers overspent the write limit: %d 429s beyond the first of their window (%d 429s in all)", *total.Overspent, total.RateLimited)
	}
	c.stopAll()
	t.Logf("the workers' notes of jobs: %v", c.notes())
	if shown := c.secretsShown(r.stdout, r.stderr); len(shown) > 0 {
		t.Errorf("a secret, the master key or the store's password shows in %v", shown)
	}
}

// fundingInstrument is the first account's first funding instrument.
func (c *qwCluster) fundingInstrument() string {
	c.t.Helper()
	r := c.must("api", "Prod", "accounts/"+c.sim.AccountID+"/funding_instruments")
	ids := qwDataIDs(c.t, r.stdout)
	if len(ids) == 0 {
		c.t.Fatalf("no funding instrument: %s", r.stdout)
	}
	return ids[0]
}

// campaignNames counts the first account's campaigns by name, as the
// one-process CLI export lists them.
func (c *qwCluster) campaignNames() map[string]int {
	c.t.Helper()
	out := filepath.Join(c.t.TempDir(), "campaigns.jsonl")
	c.must("export", "Prod", "accounts/"+c.sim.AccountID+"/campaigns", "-F", "count=1000", "--out", out)
	names := map[string]int{}
	for _, rec := range jsonLines(c.t, out) {
		if name, _ := rec["name"].(string); strings.HasPrefix(name, "qw import ") {
			names[name]++
		}
	}
	return names
}
