package e2e

import (
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// qSetup makes a PostgreSQL store of its own for the test, migrated, with
// the connection "Prod" to a simulator started with simArgs, in a new
// home; env names the store (INTEGRATOR_STORE), for every command.
func qSetup(t *testing.T, simArgs ...string) (sim simInfo, home string, env []string) {
	t.Helper()
	sim, home, env, _ = qSetupDB(t, simArgs...)
	return sim, home, env
}

// qSetupDB is qSetup, with the store's database (its schema the search
// path) for the test to read.
func qSetupDB(t *testing.T, simArgs ...string) (sim simInfo, home string, env []string, db *sql.DB) {
	t.Helper()
	pgURL, db := pgSchemaURL(t, "queue-Passw0rd-never-shown")
	sim = launchSimulator(t, simArgs...)
	home = t.TempDir()
	env = []string{"INTEGRATOR_STORE=" + pgURL}
	mustRun(t, home, env, "store", "migrate")
	senv, _ := secretEnv(sim)
	mustRun(t, home, append(senv, env...), createArgs(sim, "Prod", "--no-test")...)
	return sim, home, env, db
}

// qProc is an integrator process (a worker, a followed run) that the test
// watches while it runs.
type qProc struct {
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	done           chan struct{}
	code           int // -1 when a signal ended it
}

// qStart starts the built host in the background with env; the test's
// end kills it if it still runs.
func qStart(t *testing.T, home string, env []string, args ...string) *qProc {
	t.Helper()
	p := &qProc{done: make(chan struct{})}
	p.cmd = exec.Command(filepath.Join(bin, "integrator"), args...)
	p.cmd.Env = append([]string{"INTEGRATOR_HOME=" + home, "HOME=" + home, "PATH=/usr/bin:/bin"}, env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := p.cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			p.code = ee.ExitCode()
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// wait waits for the process's end and returns its exit code.
func (p *qProc) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(limit):
		t.Fatalf("integrator %v still runs after %s\nstderr:\n%s", p.cmd.Args[1:], limit, p.stderr.String())
	}
	return 0
}

// signal sends sig to the process.
func (p *qProc) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// qWorker starts `integrator worker` with args and waits until it says
// it started.
func qWorker(t *testing.T, home string, env []string, args ...string) *qProc {
	t.Helper()
	w := qStart(t, home, env, append([]string{"worker"}, args...)...)
	waitFor(t, 30*time.Second, "the worker to start", func() bool {
		select {
		case <-w.done:
			t.Fatalf("the worker ended: exit %d\n%s", w.code, w.stderr.String())
		default:
		}
		return strings.Contains(w.stderr.String(), "worker started")
	})
	return w
}

var qQueuedLine = regexp.MustCompile(`(?m)^Queued run ([0-9a-f]{16}) \(`)

// qRunID is the run id a --queue command printed.
func qRunID(t *testing.T, stdout string) string {
	t.Helper()
	m := qQueuedLine.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no 'Queued run ID' line in:\n%s", stdout)
	}
	return m[1]
}

// qRun is `integrator runs show ID --json`.
type qRun struct {
	ID      string `json:"id"`
	Outcome string `json:"outcome"`
	Records int64  `json:"records"`
	Pages   int64  `json:"pages"`
	Error   string `json:"error"`
	Jobs    []struct {
		ID    int64  `json:"id"`
		Kind  string `json:"kind"`
		State string `json:"state"`
	} `json:"jobs"`
}

func qShow(t *testing.T, home string, env []string, id string) qRun {
	t.Helper()
	r := mustRun(t, home, env, "runs", "show", id, "--json")
	var run qRun
	if err := json.Unmarshal([]byte(r.stdout), &run); err != nil {
		t.Fatalf("runs show --json: %v\n%s", err, r.stdout)
	}
	return run
}

// qShowSettled shows the run once no job of it is running (or after 30
// s). A run ends, and runs wait returns, inside its last job, a moment
// before a worker's completer records that job's own end in River.
func qShowSettled(t *testing.T, home string, env []string, id string) qRun {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if run := qShow(t, home, env, id); !run.running() || time.Now().After(deadline) {
			return run
		}
	}
}

// running reports whether a job of the run is running.
func (r qRun) running() bool {
	for _, j := range r.Jobs {
		if j.State == "running" {
			return true
		}
	}
	return false
}

// qExportArgs exports the simulator's campaigns, count a page.
func qExportArgs(sim simInfo, count string, extra ...string) []string {
	return append([]string{"export", "Prod", "accounts/" + sim.AccountID + "/campaigns", "-F", "count=" + count, "-F", "with_deleted=true"}, extra...)
}

// qCLIExport is the one-process CLI export of the same records, the
// reference a queued run must equal.
func qCLIExport(t *testing.T, home string, env []string, sim simInfo, count string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "cli.jsonl")
	mustRun(t, home, env, qExportArgs(sim, count, "--out", out)...)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
