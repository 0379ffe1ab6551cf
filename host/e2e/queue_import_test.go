package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// simCreated asks the simulator, through `integrator api`, how many
// entities (campaign, line item, stats job) it created.
func simCreated(t *testing.T, home string, env []string, entity string) int {
	t.Helper()
	r := mustRun(t, home, env, "api", "Prod", "sim/counts")
	var b struct {
		Data struct {
			Created map[string]int `json:"created"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &b); err != nil {
		t.Fatalf("reading the simulator's counts: %v\n%s", err, r.stdout)
	}
	return b.Data.Created[entity]
}

// A queued import run by two workers creates every record once: the
// simulator's count of created campaigns grows by the input's records,
// though the API's answer to some creates is lost on the way (those are
// reported unknown, never sent again); the results, one per record in
// input order, and the error lines are downloaded from the store.
func TestQueuedImportByTwoWorkers(t *testing.T) {
	t.Parallel()
	sim, home, env := qSetup(t, "--write-limit", "-1", "--fault", "reset_after,fraction=0.03,method=POST")
	fi := ""
	{
		r := mustRun(t, home, env, "api", "Prod", "accounts/"+sim.AccountID+"/funding_instruments")
		var page struct {
			Data []struct{ ID string } `json:"data"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &page); err != nil || len(page.Data) == 0 {
			t.Fatalf("funding instruments: %v %s", err, r.stdout)
		}
		fi = page.Data[0].ID
	}
	const n = 600
	dir := t.TempDir()
	in := filepath.Join(dir, "campaigns.jsonl")
	var b strings.Builder
	lines := make([]string, n)
	for i := range n {
		lines[i] = fmt.Sprintf(`{"account_id":%q,"name":"queued %03d","funding_instrument_id":%q,"daily_budget_amount_local_micro":1000000,"entity_status":"PAUSED"}`,
			sim.AccountID, i, fi)
		b.WriteString(lines[i] + "\n")
		if i == 100 {
			b.WriteString("\n") // a blank line: not a record, but a line
		}
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	before := simCreated(t, home, env, "campaign")

	workers := []*qProc{
		qWorker(t, home, env, "--concurrency", "3", "--job-time", "5s"),
		qWorker(t, home, env, "--concurrency", "3", "--job-time", "5s"),
	}
	r := mustRun(t, home, env, "import", "Prod", "-X", "POST", "accounts/{account_id}/campaigns", "--in", in,
		"--queue", "--detach", "--chunk", "40")
	id := qRunID(t, r.stdout)
	wait := integrator(t, home, env, "runs", "wait", id)
	if wait.code != 1 {
		// Some answers were lost: the run ends failed, with unknown outcomes.
		t.Errorf("runs wait: exit %d, want 1 (records with an unknown outcome)\nstdout: %s\nstderr: %s", wait.code, wait.stdout, wait.stderr)
	}
	if got := simCreated(t, home, env, "campaign") - before; got != n {
		t.Errorf("the simulator created %d campaigns for %d records", got, n)
	}
	results := filepath.Join(dir, "results.jsonl")
	mustRun(t, home, env, "runs", "download", id, "--results", "--out", results)
	res := jsonLines(t, results)
	if len(res) != n {
		t.Fatalf("%d result lines, want %d", len(res), n)
	}
	unknown := map[int]bool{}
	for i, x := range res {
		line := i + 1
		if i > 100 {
			line++ // after the blank line
		}
		if x["line"] != float64(line) {
			t.Fatalf("result %d is of line %v, want %d", i, x["line"], line)
		}
		switch x["result"] {
		case "ok":
		case "unknown":
			unknown[i] = true
		default:
			t.Errorf("record %d: %v", i, x)
		}
		if x["earlier"] == true {
			t.Errorf("record %d reported as done before the run: %v", i, x)
		}
	}
	if len(unknown) == 0 {
		t.Error("no unknown outcome, though the simulator lost some answers")
	}
	errs := filepath.Join(dir, "errors.jsonl")
	mustRun(t, home, env, "runs", "download", id, "--errors", "--out", errs)
	var want strings.Builder
	for i := range n {
		if unknown[i] {
			want.WriteString(lines[i] + "\n")
		}
	}
	if got, _ := os.ReadFile(errs); string(got) != want.String() {
		t.Errorf("the error lines are not the input lines of the unknown records:\n%s\nwant:\n%s", got, want.String())
	}
	show := mustRun(t, home, env, "runs", "show", id)
	if !strings.Contains(show.stdout, fmt.Sprintf("%d unknown", len(unknown))) {
		t.Errorf("runs show:\n%s", show.stdout)
	}
	// Both workers imported chunks: each takes at most 3 of the 16 jobs at once.
	for i, w := range workers {
		if !strings.Contains(w.stderr.String(), "import_chunk of run "+id) {
			t.Errorf("worker %d ran no chunk:\n%s", i+1, w.stderr.String())
		}
	}
}
