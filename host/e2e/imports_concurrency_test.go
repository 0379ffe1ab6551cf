package e2e

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// campaignLines writes n campaign records named prefix-i as JSON Lines
// and returns the file and the lines by name.
func campaignLines(t *testing.T, sim simInfo, fi, prefix string, n int) (string, []string) {
	t.Helper()
	var lines []string
	for i := 0; i < n; i++ {
		lines = append(lines, fmt.Sprintf(`{"account_id":%q,"name":"%s %03d","funding_instrument_id":%q,"daily_budget_amount_local_micro":1000000,"entity_status":"PAUSED"}`,
			sim.AccountID, prefix, i, fi))
	}
	in := filepath.Join(t.TempDir(), prefix+".jsonl")
	writeFile(t, in, strings.Join(lines, "\n")+"\n")
	return in, lines
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func importArgs(in string, extra ...string) []string {
	return append([]string{"import", "Prod", "-X", "POST", "accounts/{account_id}/campaigns", "--in", in}, extra...)
}

// checkOnce fails the test for a campaign of prefix that exists more than
// once, and returns how many of prefix exist.
func checkOnce(t *testing.T, names map[string]int, prefix string) int {
	t.Helper()
	n := 0
	for name, c := range names {
		if !strings.HasPrefix(name, prefix+" ") {
			continue
		}
		n++
		if c != 1 {
			t.Errorf("%q was created %d times", name, c)
		}
	}
	return n
}

// TestTwoImportsOfOneFileAtOnce starts the same import twice, 0.3 s
// apart: the second is refused, naming the first, and changes nothing;
// with --wait it waits for the first and then skips every record. No
// campaign is created twice and every record has one result.
func TestTwoImportsOfOneFileAtOnce(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t, "--write-limit", "-1", "--fault", "slow,delay=10ms,method=POST")
	fi := fundingInstrument(t, home, sim)
	in, _ := campaignLines(t, sim, fi, "twice", 500)
	dir := t.TempDir()

	first := startIntegrator(t, home, importArgs(in, "--results", filepath.Join(dir, "first.jsonl"))...)
	time.Sleep(300 * time.Millisecond)
	second := integrator(t, home, nil, importArgs(in, "--results", filepath.Join(dir, "second.jsonl"))...)
	if second.code != 1 || !strings.Contains(second.stderr, "another run of this import is in progress") ||
		!strings.Contains(second.stderr, "pid "+strconv.Itoa(first.cmd.Process.Pid)) || !strings.Contains(second.stderr, "--wait") {
		t.Fatalf("second run: exit %d\n%s", second.code, second.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "second.jsonl")); !os.IsNotExist(err) {
		t.Error("the refused run wrote results")
	}
	waiter := startIntegrator(t, home, importArgs(in, "--wait", "--results", filepath.Join(dir, "waiter.jsonl"), "--progress", "plain")...)
	if code := first.wait(t, 120*time.Second); code != 0 {
		t.Fatalf("first run: exit %d\n%s", code, first.stderr.String())
	}
	if code := waiter.wait(t, 60*time.Second); code != 0 {
		t.Fatalf("waiting run: exit %d\n%s", code, waiter.stderr.String())
	}
	if !strings.Contains(waiter.stderr.String(), "Waiting for another run of this import to end") ||
		!strings.Contains(waiter.stderr.String(), "Nothing sent: all 500 records were done before, skipped") {
		t.Errorf("waiting run's stderr:\n%s", waiter.stderr.String())
	}
	res := jsonLines(t, filepath.Join(dir, "first.jsonl"))
	if len(res) != 500 {
		t.Fatalf("%d results of the first run", len(res))
	}
	for _, r := range res {
		if r["result"] != "ok" {
			t.Fatalf("first run: %v", r)
		}
	}
	for _, r := range jsonLines(t, filepath.Join(dir, "waiter.jsonl")) {
		if r["result"] != "ok" || r["earlier"] != true {
			t.Fatalf("waiting run: %v", r)
		}
	}
	if n := checkOnce(t, campaignNames(t, home, sim), "twice"); n != 500 {
		t.Errorf("%d of 500 campaigns", n)
	}
}

// TestEditedFileIsNotANewImport imports a file with one malformed line,
// fixes the line (and reorders, respaces and moves others) and imports it
// again: only the fixed record is sent. --again sends records on purpose.
func TestEditedFileIsNotANewImport(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t, "--write-limit", "-1")
	fi := fundingInstrument(t, home, sim)
	in, lines := campaignLines(t, sim, fi, "edited", 50)
	broken := append([]string(nil), lines...)
	broken[24] = strings.TrimSuffix(broken[24], "}")                    // malformed
	broken[30] = strings.Replace(broken[30], "edited", "edited\xff", 1) // not UTF-8
	writeFile(t, in, strings.Join(broken, "\n")+"\n")
	r := integrator(t, home, nil, importArgs(in)...)
	if r.code != 1 || !strings.Contains(r.stderr, "48 ok, 2 failed") || !strings.Contains(r.stdout, "not valid UTF-8") {
		t.Fatalf("first run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// The user fixes both lines, moves the last line first, and respaces
	// and reorders the fields of another.
	fixed := append([]string{lines[49]}, lines[:49]...)
	fixed[10] = fmt.Sprintf(`{ "name": "edited 009", "account_id": %q, "entity_status": "PAUSED", "daily_budget_amount_local_micro": 1000000, "funding_instrument_id": %q }`, sim.AccountID, fi)
	writeFile(t, in, strings.Join(fixed, "\n")+"\n")
	r = mustRun(t, home, nil, importArgs(in, "--progress", "plain")...)
	if !strings.Contains(r.stderr, "Imported 50 records: 2 ok, 0 failed, 0 unknown; 48 records done before, skipped") {
		t.Errorf("second run:\n%s", r.stderr)
	}
	if n := checkOnce(t, campaignNames(t, home, sim), "edited"); n != 50 {
		t.Errorf("%d of 50 campaigns", n)
	}
	// --again sends a record that is done, on purpose.
	again := filepath.Join(t.TempDir(), "again.jsonl")
	writeFile(t, again, lines[0]+"\n")
	mustRun(t, home, nil, importArgs(again, "--again")...)
	if c := campaignNames(t, home, sim)["edited 000"]; c != 2 {
		t.Errorf("--again: %d campaigns named \"edited 000\"", c)
	}
}

// TestImportOfRecordsTooLargeToSend has a 200 MB line, an 8 MiB one and
// a record whose query string would be 512 KiB among ordinary ones: each
// fails with the limit named (never unknown), nothing else is harmed, the
// results and error files are written, and the host's memory stays far
// below the long line's size.
func TestImportOfRecordsTooLargeToSend(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t, "--write-limit", "-1")
	fi := fundingInstrument(t, home, sim)
	_, lines := campaignLines(t, sim, fi, "large", 3)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, lines[0])
	fmt.Fprintf(f, `{"account_id":%q,"name":"large huge","blob":"`, sim.AccountID)
	chunk := strings.Repeat("z", 1<<20)
	for range 200 {
		f.WriteString(chunk)
	}
	fmt.Fprintln(f, `"}`)
	fmt.Fprintln(f, lines[1])
	fmt.Fprintf(f, `{"account_id":%q,"name":"large 8 MiB","objective":"%s"}`+"\n", sim.AccountID, strings.Repeat("e", 8<<20))
	fmt.Fprintf(f, `{"account_id":%q,"name":"large query","funding_instrument_id":%q,"daily_budget_amount_local_micro":1000000,"objective":"%s"}`+"\n",
		sim.AccountID, fi, strings.Repeat("q", 512<<10))
	fmt.Fprintln(f, lines[2])
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	results, errs := filepath.Join(dir, "results.jsonl"), filepath.Join(dir, "errors.jsonl")
	r, rss := integratorRSS(t, home, importArgs(in, "--results", results, "--errors", errs)...)
	if r.code != 1 || !strings.Contains(r.stderr, "Imported 6 records: 3 ok, 3 failed, 0 unknown") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	res := jsonLines(t, results)
	if len(res) != 6 {
		t.Fatalf("%d results", len(res))
	}
	for _, i := range []int{1, 3} {
		if x := res[i]; x["code"] != "too_large" || !strings.Contains(x["message"].(string), "--max-record-size") {
			t.Errorf("line %d: %v", i+1, x)
		}
	}
	if x := res[4]; x["code"] != "too_large" || !strings.Contains(x["message"].(string), "--as form or --as json") {
		t.Errorf("the 512 KiB query: %v", x)
	}
	if got := fileSize(errs); got < 208<<20 {
		t.Errorf("the error file holds %d bytes: the three lines are not in it as they were", got)
	}
	t.Logf("peak RSS of the host: %d MiB", rss>>20)
	if rss > 150<<20 {
		t.Errorf("the host's peak memory was %d MiB for a 200 MB line", rss>>20)
	}
	if n := checkOnce(t, campaignNames(t, home, sim), "large"); n != 3 {
		t.Errorf("%d of 3 campaigns", n)
	}
}

// integratorRSS runs the host and returns its result and peak resident
// memory in bytes: the high-water mark of its own memory (VmHWM), read
// while it runs. The rusage of the ended process would not do: after a
// vfork and exec, Linux counts the parent's memory (this test binary's)
// as the child's peak.
func integratorRSS(t *testing.T, home string, args ...string) (result, int64) {
	t.Helper()
	b := startIntegrator(t, home, args...)
	status := filepath.Join("/proc", strconv.Itoa(b.cmd.Process.Pid), "status")
	var peak int64
	for !b.exited() {
		text, _ := os.ReadFile(status)
		for _, line := range strings.Split(string(text), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				peak = max(peak, kb<<10)
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	code := b.wait(t, time.Second)
	return result{b.stdout.String(), b.stderr.String(), code}, peak
}

// TestCtrlCDuringImportWaitsForRequestsInFlight interrupts an import
// while its requests are out: no new record is sent, the requests in
// flight are waited for and recorded, so that the next run finds every
// outcome known. A second Ctrl-C stops at once.
func TestCtrlCDuringImportWaitsForRequestsInFlight(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t, "--write-limit", "-1", "--fault", "slow,delay=1500ms,method=POST")
	fi := fundingInstrument(t, home, sim)
	in, _ := campaignLines(t, sim, fi, "ctrlc", 16)
	run := startIntegrator(t, home, importArgs(in, "--concurrency", "4", "--progress", "plain")...)
	waitFor(t, 30*time.Second, "four requests in flight", func() bool { return connectionsTo(t, sim.URL) >= 4 })
	if err := run.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := run.wait(t, 60*time.Second); code != 130 {
		t.Fatalf("exit %d\n%s", code, run.stderr.String())
	}
	if !strings.Contains(run.stderr.String(), "waiting up to 30s for the 4 requests in flight") ||
		!strings.Contains(run.stderr.String(), "every outcome so far is in the ledger") {
		t.Errorf("stderr:\n%s", run.stderr.String())
	}
	created := checkOnce(t, campaignNames(t, home, sim), "ctrlc")
	if created == 0 || created >= 16 {
		t.Fatalf("%d campaigns created before the stop", created)
	}
	// Every campaign created is known as done: nothing is unknown.
	r := mustRun(t, home, nil, importArgs(in, "--progress", "plain")...)
	want := fmt.Sprintf("Imported 16 records: %d ok, 0 failed, 0 unknown; %d records done before, skipped", 16-created, created)
	if !strings.Contains(r.stderr, want) {
		t.Errorf("second run, want %q:\n%s", want, r.stderr)
	}
	if n := checkOnce(t, campaignNames(t, home, sim), "ctrlc"); n != 16 {
		t.Errorf("%d of 16 campaigns", n)
	}

	// A second Ctrl-C does not wait for the requests in flight, which
	// here would take a minute.
	sim, home = flowHome(t, "--write-limit", "-1", "--fault", "slow,delay=60s,method=POST")
	fi = fundingInstrument(t, home, sim)
	in, _ = campaignLines(t, sim, fi, "twice", 8)
	run = startIntegrator(t, home, importArgs(in, "--concurrency", "4")...) // no progress: the stop is told anyway
	waitFor(t, 30*time.Second, "four requests in flight", func() bool { return connectionsTo(t, sim.URL) >= 4 })
	run.cmd.Process.Signal(syscall.SIGINT)
	waitFor(t, 10*time.Second, "the first Ctrl-C to be taken", func() bool { return strings.Contains(run.stderr.String(), "Ctrl-C again") })
	run.cmd.Process.Signal(syscall.SIGINT)
	run.wait(t, 20*time.Second)
}

// connectionsTo counts the established TCP connections to the server at
// rawURL (its port, on this machine).
func connectionsTo(t *testing.T, rawURL string) int {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(u.Port())
	n := 0
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, _ := os.ReadFile(f)
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fs := strings.Fields(line)
			if len(fs) < 4 || fs[3] != "01" { // ESTABLISHED
				continue
			}
			_, rp, _ := strings.Cut(fs[2], ":")
			if p, err := strconv.ParseInt(rp, 16, 32); err == nil && int(p) == port {
				n++
			}
		}
	}
	return n
}

// TestImportAfterTheHostIsKilled kills an import with SIGKILL while its
// requests are out: the next run takes over the killed run's lease at
// once, reports the records that were in flight as unknown (never sending
// them again), sends the rest, and no campaign is created twice.
func TestImportAfterTheHostIsKilled(t *testing.T) {
	t.Parallel()
	sim, home := flowHome(t, "--write-limit", "-1", "--fault", "slow,delay=300ms,method=POST")
	fi := fundingInstrument(t, home, sim)
	in, _ := campaignLines(t, sim, fi, "killed", 40)
	run := startIntegrator(t, home, importArgs(in, "--concurrency", "4")...)
	var plugins []int
	waitFor(t, 60*time.Second, "a few records to be sent", func() bool {
		if run.exited() {
			t.Fatalf("the import ended before it could be killed\n%s", run.stderr.String())
		}
		plugins = pluginChildren(run.cmd.Process.Pid)
		return connectionsTo(t, sim.URL) >= 4 && len(campaignNames(t, home, sim)) >= 8
	})
	kill(t, run.cmd.Process.Pid)
	run.wait(t, 10*time.Second)
	for _, pid := range plugins {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	results := filepath.Join(t.TempDir(), "results.jsonl")
	r := integrator(t, home, nil, importArgs(in, "--results", results)...)
	if strings.Contains(r.stderr, "in progress") {
		t.Fatalf("the killed run's lease was not taken over:\n%s", r.stderr)
	}
	unknown := 0
	for _, x := range jsonLines(t, results) {
		switch x["result"] {
		case "unknown":
			unknown++
		case "ok":
		default:
			t.Errorf("result %v", x)
		}
	}
	if unknown > 4 {
		t.Errorf("%d unknown outcomes: at most the 4 requests in flight may be", unknown)
	}
	if (r.code == 0) != (unknown == 0) {
		t.Errorf("exit %d with %d unknown\n%s", r.code, unknown, r.stderr)
	}
	if n := checkOnce(t, campaignNames(t, home, sim), "killed"); n < 40-unknown {
		t.Errorf("%d campaigns, %d unknown: records were lost", n, unknown)
	}
}
