package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// simRequests asks the simulator, through `integrator api`, how many
// requests it has seen, by route ("GET /accounts/:account_id", ...).
func simRequests(t *testing.T, home string) map[string]int {
	t.Helper()
	return simCounts(t, home, nil).Requests
}

// An export whose answer cannot change by waiting (a path that is no
// list, a list in another field than --records, 401, 403, 404) exits at
// once with the API's message: one request, no advice to --resume.
func TestExportStopsAtOnceOnAnswersThatCannotChange(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t)
	env, _ := secretEnv(sim)
	env = append(env, "TW_TS=not-the-token-secret") // the last value wins
	mustRun(t, home, env, createArgs(sim, "Wrong", "--no-test")...)

	acct := "accounts/" + sim.AccountID
	tests := []struct {
		name  string
		args  []string
		route string // the simulator's name of the route asked for
		want  []string
	}{
		{"one object, not a list", []string{"Prod", acct}, "GET /accounts/:account_id",
			[]string{`"data" field holds an object, not a list of records`, "--records"}},
		{"the records in another field", []string{"Prod", acct + "/campaigns", "--records", "items"}, "GET /accounts/:account_id/campaigns",
			[]string{`no "items" field`, "--records"}},
		{"404", []string{"Prod", acct + "/nothing"}, "GET (unmatched)",
			[]string{"HTTP 404", "The requested resource could not be found"}},
		{"403", []string{"Prod", "accounts/nosuchacct/campaigns"}, "GET /accounts/:account_id/campaigns",
			[]string{"HTTP 403", "nosuchacct was not found"}},
		{"401", []string{"Wrong", acct + "/campaigns"}, "GET /accounts/:account_id/campaigns",
			[]string{"HTTP 401"}},
		{"400", []string{"Prod", acct + "/campaigns", "-F", "count=5000"}, "GET /accounts/:account_id/campaigns",
			[]string{"HTTP 400", "count must be an integer between 1 and 1000"}},
	}
	for _, tt := range tests {
		before := simRequests(t, home)
		out := filepath.Join(t.TempDir(), "out.jsonl")
		r := integrator(t, home, nil, append(append([]string{"export"}, tt.args...), "--out", out)...)
		after := simRequests(t, home)
		if r.code != 1 {
			t.Errorf("%s: exit %d\n%s", tt.name, r.code, r.stderr)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%s: stderr does not say %q:\n%s", tt.name, w, r.stderr)
			}
		}
		if strings.Contains(r.stderr, "--resume") || strings.Contains(r.stderr, "giving up") {
			t.Errorf("%s: stderr suggests trying again:\n%s", tt.name, r.stderr)
		}
		if n := after[tt.route] - before[tt.route]; n != 1 {
			t.Errorf("%s: the simulator saw %d requests for %s; an answer that cannot change is asked for once", tt.name, n, tt.route)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: the output exists: %v", tt.name, err)
		}
	}
}

// A next_cursor that leads back to a page already read (A→B→A) stops the
// export with a clear error; the pages before it are saved once each.
func TestExportStopsOnACursorCycle(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t, "--fault", "cursor_cycle,path=/campaigns")
	out := filepath.Join(t.TempDir(), "campaigns.jsonl")
	before := simRequests(t, home)
	r := integrator(t, home, nil, "export", "Prod", "accounts/"+sim.AccountID+"/campaigns", "-F", "count=5", "--out", out)
	after := simRequests(t, home)
	if r.code != 1 || !strings.Contains(r.stderr, "a cursor this export has already followed: a cursor cycle") ||
		!strings.Contains(r.stderr, "10 records in 2 pages are saved; --resume would meet the cycle again: start over with --restart") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if n := after["GET /accounts/:account_id/campaigns"] - before["GET /accounts/:account_id/campaigns"]; n != 3 {
		t.Errorf("%d requests for pages, want 3 (the first page, A, B)", n)
	}
	ids := map[string]bool{}
	for _, c := range jsonLines(t, out+".part") {
		ids[c["id"].(string)] = true
	}
	if len(ids) != 10 {
		t.Errorf("%d distinct campaigns saved, want the 10 of the first two pages", len(ids))
	}
}

// A page larger than --max-page-size is refused at once with a message
// that names the flag; with the limit raised the same export works.
func TestExportRefusesAPageOverTheLimit(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t)
	out := filepath.Join(t.TempDir(), "campaigns.jsonl")
	args := []string{"export", "Prod", "accounts/" + sim.AccountID + "/campaigns", "-F", "count=25", "--out", out}
	before := simRequests(t, home)
	r := integrator(t, home, nil, append(args, "--max-page-size", "2KiB")...)
	after := simRequests(t, home)
	if r.code != 1 || !strings.Contains(r.stderr, "larger than 2KiB") || !strings.Contains(r.stderr, "--max-page-size 4KiB") ||
		strings.Contains(r.stderr, "--resume") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if n := after["GET /accounts/:account_id/campaigns"] - before["GET /accounts/:account_id/campaigns"]; n != 1 {
		t.Errorf("%d requests; a page over the limit is asked for once", n)
	}
	bad := integrator(t, home, nil, append(args, "--max-page-size", "a lot")...)
	if bad.code == 0 || !strings.Contains(bad.stderr, `invalid argument "a lot" for "--max-page-size"`) {
		t.Errorf("a size that is no size: exit %d\n%s", bad.code, bad.stderr)
	}
	mustRun(t, home, nil, append(args, "--max-page-size", "64KB")...)
	if n := len(jsonLines(t, out)); n != 23 { // 25 seeded, every tenth deleted
		t.Errorf("%d campaigns exported, want 23", n)
	}
}

// A record whose name is not valid UTF-8 is exported byte for byte, with
// a warning naming its line and a count after the summary, even without
// progress on stderr.
func TestExportKeepsInvalidUTF8AndSaysSo(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t, "--fault", "invalid_utf8,path=/campaigns,times=1")
	dir := t.TempDir()
	args := func(out string) []string {
		return []string{"export", "Prod", "accounts/" + sim.AccountID + "/campaigns", "-F", "count=10", "--out", out}
	}
	got, clean := filepath.Join(dir, "faulted.jsonl"), filepath.Join(dir, "clean.jsonl")
	r := mustRun(t, home, nil, args(got)...)
	mustRun(t, home, nil, args(clean)...) // the fault fired once
	if !strings.Contains(r.stderr, "warning: line 1 of the output holds bytes that are not valid UTF-8; it is kept as the API sent it, byte for byte") ||
		!strings.Contains(r.stderr, "warning: 1 of the records this run exported hold bytes that are not valid UTF-8") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	g, _ := os.ReadFile(got)
	c, _ := os.ReadFile(clean)
	first, _, _ := bytes.Cut(g, []byte("\n"))
	if !bytes.Contains(first, []byte("\"name\":\"\xff")) || !bytes.Equal(bytes.Replace(g, []byte{0xff}, nil, 1), c) || len(c) == 0 {
		t.Errorf("the export is not the API's bytes: the first line is %q", first)
	}
}
