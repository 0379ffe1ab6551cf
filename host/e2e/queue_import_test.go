package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// simCounts asks the simulator, through `integrator api` in home with
// env, what it has seen (GET /12/sim/counts).
func simCounts(t *testing.T, home string, env []string) qwCounts {
	t.Helper()
	r := mustRun(t, home, env, "api", "Prod", "sim/counts")
	var b struct {
		Data qwCounts `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &b); err != nil {
		t.Fatalf("reading the simulator's counts: %v\n%s", err, r.stdout)
	}
	return b.Data
}

// simCreated asks the simulator, through `integrator api`, how many
// entities (campaign, line item, stats job) it created.
func simCreated(t *testing.T, home string, env []string, entity string) int {
	t.Helper()
	return simCounts(t, home, env).Created[entity]
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

// simRequestsIn asks the simulator, through `integrator api` with env, how
// many requests it has seen, by route.
func simRequestsIn(t *testing.T, home string, env []string) map[string]int {
	t.Helper()
	return simCounts(t, home, env).Requests
}

// simCampaigns counts the simulator's campaigns by name, through an
// export with env.
func simCampaigns(t *testing.T, home string, env []string, sim simInfo) map[string]int {
	t.Helper()
	out := filepath.Join(t.TempDir(), "campaigns.jsonl")
	mustRun(t, home, env, "export", "Prod", "accounts/"+sim.AccountID+"/campaigns", "-F", "count=1000", "--out", out)
	names := map[string]int{}
	for _, c := range jsonLines(t, out) {
		name, _ := c["name"].(string)
		names[name]++
	}
	return names
}

// A worker SIGKILLed while it imports chunks, with creates in flight: the
// queue runs its chunks again on another worker (after the rescue time),
// which skips what the dead one did and reports the creates it had in
// flight unknown, never sending them again. No campaign exists twice,
// every record has one result, and the run ends.
func TestQueuedImportChunkRunsAgainAfterItsWorkerIsKilled(t *testing.T) {
	t.Parallel()
	sim, home, env := qSetup(t, "--write-limit", "-1", "--fault", "slow,delay=400ms,method=POST")
	r := mustRun(t, home, env, "api", "Prod", "accounts/"+sim.AccountID+"/funding_instruments")
	var page struct {
		Data []struct{ ID string } `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &page); err != nil || len(page.Data) == 0 {
		t.Fatalf("funding instruments: %v %s", err, r.stdout)
	}
	const n = 120
	in := filepath.Join(t.TempDir(), "in.jsonl")
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"account_id":%q,"name":"killed %03d","funding_instrument_id":%q,"daily_budget_amount_local_micro":1000000,"entity_status":"PAUSED"}`+"\n",
			sim.AccountID, i, page.Data[0].ID)
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	doomed := qWorker(t, home, env, "--concurrency", "2", "--job-time", "2s")
	id := qRunID(t, mustRun(t, home, env, "import", "Prod", "-X", "POST", "accounts/{account_id}/campaigns", "--in", in,
		"--queue", "--detach", "--chunk", "20").stdout)
	// Creates are out once the simulator has seen some (each answer takes
	// 400 ms, and a chunk sends 4 at a time).
	waitFor(t, 60*time.Second, "the first creates", func() bool {
		return simRequestsIn(t, home, env)["POST /accounts/:account_id/campaigns"] > 0
	})
	doomed.signal(t, syscall.SIGKILL)
	doomed.wait(t, 10*time.Second)

	other := qWorker(t, home, env, "--concurrency", "2", "--job-time", "2s")
	wait := integrator(t, home, env, "runs", "wait", id)
	names := simCampaigns(t, home, env, sim)
	for name, c := range names {
		if c > 1 {
			t.Errorf("%q was created %d times", name, c)
		}
	}
	results := filepath.Join(t.TempDir(), "results.jsonl")
	mustRun(t, home, env, "runs", "download", id, "--results", "--out", results)
	res := jsonLines(t, results)
	if len(res) != n {
		t.Fatalf("%d results for %d records\nruns wait: %s%s", len(res), n, wait.stdout, wait.stderr)
	}
	unknown := 0
	for i, x := range res {
		name := fmt.Sprintf("killed %03d", i)
		switch x["result"] {
		case "ok":
			if names[name] != 1 {
				t.Errorf("%s is ok but exists %d times", name, names[name])
			}
		case "unknown":
			unknown++
		default:
			t.Errorf("record %d: %v", i, x)
		}
		if x["earlier"] == true {
			t.Errorf("record %d reported as done before the run (a chunk's own earlier attempt did it): %v", i, x)
		}
	}
	if unknown == 0 {
		t.Errorf("no unknown outcome: the killed worker had creates in flight\nkilled worker:\n%s\nworker that ran again:\n%s", doomed.stderr.String(), other.stderr.String())
	}
	if wait.code != 1 || !strings.Contains(wait.stderr, fmt.Sprintf("%d unknown", unknown)) {
		t.Errorf("runs wait: exit %d\n%s", wait.code, wait.stderr)
	}
	if !strings.Contains(other.stderr.String(), "(attempt 2)") {
		t.Errorf("no chunk ran a second attempt on the other worker:\n%s", other.stderr.String())
	}
}

// A queued import needs the store on PostgreSQL, and keeps its results
// and errors in the store: on SQLite, with --results or --errors, or
// --chunk without --queue, it is refused with the flag named, and
// nothing is sent.
func TestQueuedImportRefusals(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t)
	in := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(in, []byte(`{"account_id":"`+sim.AccountID+`","name":"never"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"import", "Prod", "-X", "POST", "accounts/{account_id}/campaigns", "--in", in}
	for _, tt := range []struct {
		extra []string
		want  []string
	}{
		{[]string{"--queue"}, []string{"INTEGRATOR_STORE", "--store", "PostgreSQL", "nothing was done"}},
		{[]string{"--queue", "--results", "r.jsonl"}, []string{"--results and --errors do not apply to a queued import", "runs download ID --results"}},
		{[]string{"--chunk", "10"}, []string{"--chunk goes with --queue"}},
		{[]string{"--detach"}, []string{"--detach goes with --queue"}},
	} {
		r := integrator(t, home, nil, append(args, tt.extra...)...)
		if r.code == 0 {
			t.Errorf("%v: exit 0", tt.extra)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tt.extra, w, r.stderr)
			}
		}
	}
	if n := simRequests(t, home)["POST /accounts/:account_id/campaigns"]; n != 0 {
		t.Errorf("%d creates sent", n)
	}
}
