package e2e

import (
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The harness of the queue's end-to-end proof (queue_workers_proof_test.go):
// a PostgreSQL store of the test's own, one master key shared by every
// process, an operator's home that queues runs and reads them, and
// `integrator worker` processes, each in a home of its own as on a
// machine of its own: what they share is the store and the key.

// qwCluster is the store, the key, the simulator and the processes on them.
type qwCluster struct {
	t        *testing.T
	sim      simInfo
	storeURL string
	db       *sql.DB // the test's own connection to the store's schema
	key      string  // the master key, base64
	home     string  // the operator's home
	logs     string  // folder of the workers' logs
	workers  []*qwWorker
}

// qwPassword is the store URL's password; it must never show.
const qwPassword = "qw-Passw0rd-never-shown"

// qwNewCluster starts the simulator with simArgs, makes a schema of the
// test's own on INTEGRATOR_TEST_POSTGRES (skipping the test without it),
// migrates it and creates the connection "Prod" to the simulator with a
// master key that every process of the cluster gets in its environment.
func qwNewCluster(t *testing.T, simArgs ...string) *qwCluster {
	t.Helper()
	storeURL, db := pgSchemaURL(t, qwPassword)
	raw := make([]byte, 32)
	rand.Read(raw)
	c := &qwCluster{t: t, storeURL: storeURL, db: db, key: base64.StdEncoding.EncodeToString(raw),
		home: t.TempDir(), logs: t.TempDir()}
	c.sim = launchSimulator(t, simArgs...)
	c.must("store", "migrate")
	senv, _ := secretEnv(c.sim)
	c.mustEnv(senv, createArgs(c.sim, "Prod", "--no-test")...)
	t.Cleanup(c.reportOnFailure)
	return c
}

// env is what every process of the cluster has: the store and the key.
func (c *qwCluster) env() []string {
	return []string{"INTEGRATOR_STORE=" + c.storeURL, "INTEGRATOR_MASTER_KEY=" + c.key}
}

// run runs the integrator in the operator's home.
func (c *qwCluster) run(args ...string) result {
	c.t.Helper()
	return integrator(c.t, c.home, c.env(), args...)
}

// must runs the integrator in the operator's home and fails on an exit
// other than 0.
func (c *qwCluster) must(args ...string) result {
	c.t.Helper()
	return c.mustEnv(nil, args...)
}

func (c *qwCluster) mustEnv(env []string, args ...string) result {
	c.t.Helper()
	return mustRun(c.t, c.home, append(c.env(), env...), args...)
}

// qwWorker is one `integrator worker` process (and, once killed and
// started again, the next process of the same "machine").
type qwWorker struct {
	name    string
	home    string
	args    []string
	log     string // stdout and stderr of every start, appended
	cmd     *exec.Cmd
	done    chan struct{}
	code    int
	starts  int
	plugins []int // plugin processes seen under the current process
}

// startWorker starts a worker named name (its home and log are its own)
// with the worker flags args, and waits until it says it has started.
func (c *qwCluster) startWorker(name string, args ...string) *qwWorker {
	c.t.Helper()
	w := &qwWorker{name: name, home: filepath.Join(c.logs, name+"-home"), args: args,
		log: filepath.Join(c.logs, name+".log")}
	if err := os.MkdirAll(w.home, 0o700); err != nil {
		c.t.Fatal(err)
	}
	c.workers = append(c.workers, w)
	c.start(w)
	c.t.Cleanup(func() { w.stop() })
	return w
}

// start starts w's process, appending to its log, and waits for its
// "worker started" line.
func (c *qwCluster) start(w *qwWorker) {
	c.t.Helper()
	f, err := os.OpenFile(w.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		c.t.Fatal(err)
	}
	defer f.Close()
	w.starts++
	fmt.Fprintf(f, "==== start %d of %s at %s: integrator worker %s\n", w.starts, w.name,
		time.Now().Format(time.RFC3339Nano), strings.Join(w.args, " "))
	w.cmd = exec.Command(filepath.Join(bin, "integrator"), append([]string{"worker"}, w.args...)...)
	w.cmd.Env = append([]string{"INTEGRATOR_HOME=" + w.home, "HOME=" + w.home, "PATH=/usr/bin:/bin"}, c.env()...)
	w.cmd.Stdout, w.cmd.Stderr = f, f
	if err := w.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	done := make(chan struct{})
	w.done = done
	cmd := w.cmd
	go func() {
		err := cmd.Wait()
		w.code = 0
		if ee, ok := err.(*exec.ExitError); ok {
			w.code = ee.ExitCode()
		}
		close(done)
	}()
	from := w.logSize()
	waitFor(c.t, 60*time.Second, w.name+" to start", func() bool {
		select {
		case <-done:
			c.t.Fatalf("%s ended at its start: exit %d\n%s", w.name, w.code, w.tail(4000))
		default:
		}
		return strings.Contains(w.logFrom(from), "worker started")
	})
}

func (w *qwWorker) logSize() int64 { return fileSize(w.log) }

// logFrom is the worker's log from byte offset from on.
func (w *qwWorker) logFrom(from int64) string {
	b, _ := os.ReadFile(w.log)
	if from > int64(len(b)) {
		return ""
	}
	return string(b[from:])
}

// tail is the last n bytes of the worker's log.
func (w *qwWorker) tail(n int) string {
	b, _ := os.ReadFile(w.log)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// running says whether the worker's current process runs.
func (w *qwWorker) running() bool {
	select {
	case <-w.done:
		return false
	default:
		return true
	}
}

// kill9 ends the worker as a machine's death would: SIGKILL, at once, for
// the worker and the connector plugins it had started (which a dead host
// would not stop). It returns once the worker's process is gone.
func (c *qwCluster) kill9(w *qwWorker) {
	c.t.Helper()
	if !w.running() {
		c.t.Fatalf("%s is not running: it ended with exit %d\n%s", w.name, w.code, w.tail(4000))
	}
	w.plugins = pluginChildren(w.cmd.Process.Pid)
	kill(c.t, w.cmd.Process.Pid)
	for _, p := range w.plugins {
		syscall.Kill(p, syscall.SIGKILL)
	}
	<-w.done
	f, err := os.OpenFile(w.log, os.O_WRONLY|os.O_APPEND, 0o600)
	if err == nil {
		fmt.Fprintf(f, "==== %s SIGKILLed at %s (and its plugins %v)\n", w.name, time.Now().Format(time.RFC3339Nano), w.plugins)
		f.Close()
	}
}

// restart starts the worker again in the same home, as the machine coming
// back would.
func (c *qwCluster) restart(w *qwWorker) {
	c.t.Helper()
	if w.running() {
		c.t.Fatalf("%s still runs", w.name)
	}
	c.start(w)
}

// stop ends the worker gracefully (SIGTERM), and kills it if it has not
// ended after 20 seconds; it returns the exit code.
func (w *qwWorker) stop() int {
	if w.cmd == nil || !w.running() {
		return w.code
	}
	w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-w.done:
	case <-time.After(20 * time.Second):
		w.cmd.Process.Kill()
		<-w.done
		return -1
	}
	return w.code
}

// stopAll stops every worker with SIGTERM, as an operator would, and
// fails the test for each that does not exit 0 (a worker stopped as asked
// exits 0: it hands back what it holds).
func (c *qwCluster) stopAll() {
	c.t.Helper()
	for _, w := range c.workers {
		if code := w.stop(); code != 0 {
			c.t.Errorf("%s exited %d on SIGTERM, want 0\n%s", w.name, code, w.tail(600))
		}
	}
}

// reportOnFailure puts every worker's log (its end) into a failed test's
// output, so that a failure says what the workers did.
func (c *qwCluster) reportOnFailure() {
	if !c.t.Failed() {
		return
	}
	for _, w := range c.workers {
		c.t.Logf("---- log of %s (%d starts), last 6000 bytes:\n%s", w.name, w.starts, w.tail(6000))
	}
}

// qwQueued finds the run id in a --queue command's output.
var qwQueued = regexp.MustCompile(`Queued run ([0-9A-Za-z_-]+) \(`)

// queue runs a --queue --detach command and returns the run's id.
func (c *qwCluster) queue(args ...string) string {
	c.t.Helper()
	r := c.must(append(args, "--queue", "--detach")...)
	m := qwQueued.FindStringSubmatch(r.stdout + r.stderr)
	if m == nil {
		c.t.Fatalf("no 'Queued run ID (' in the output of integrator %s:\nstdout: %s\nstderr: %s",
			strings.Join(args, " "), r.stdout, r.stderr)
	}
	return m[1]
}

// show is `integrator runs show ID --json`, as a map: the harness reads
// only what it names.
func (c *qwCluster) show(id string) map[string]any {
	c.t.Helper()
	r := c.must("runs", "show", id, "--json")
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		c.t.Fatalf("runs show %s --json: %v\n%s", id, err, r.stdout)
	}
	return m
}

// outcome is a run's outcome as runs show says it.
func (c *qwCluster) outcome(id string) string {
	c.t.Helper()
	s, _ := c.show(id)["outcome"].(string)
	return s
}

// wait waits, with `integrator runs wait`, for the run's end and returns
// its outcome; it fails the test when the run has not ended within limit.
func (c *qwCluster) wait(id string, limit time.Duration) (outcome string, r result) {
	c.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		o := c.outcome(id)
		switch o {
		case "ok", "failed", "stopped":
			return o, c.run("runs", "wait", id)
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("run %s is still %q after %s: %v", id, o, limit, c.show(id))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// download writes `integrator runs download ID [flags]` to a file and
// returns its path.
func (c *qwCluster) download(id string, flags ...string) string {
	c.t.Helper()
	out := filepath.Join(c.t.TempDir(), "download.jsonl")
	c.must(append([]string{"runs", "download", id, "--out", out}, flags...)...)
	return out
}

// qwCounts is what the simulator has seen: GET /12/sim/counts, through
// `integrator api`.
type qwCounts struct {
	Requests    map[string]int `json:"requests"`
	Created     map[string]int `json:"created"`
	RateLimited int            `json:"rate_limited"`
	Overspent   *int           `json:"overspent"` // nil: this simulator does not count it
}

func (c *qwCluster) counts() qwCounts {
	c.t.Helper()
	return simCounts(c.t, c.home, c.env())
}

// accounts lists the simulator's ads accounts' ids (GET /12/accounts).
func (c *qwCluster) accounts() []string {
	c.t.Helper()
	return qwDataIDs(c.t, c.must("api", "Prod", "accounts", "-F", "count=1000").stdout)
}

// qwDataIDs reads the ids of an API answer's data list.
func qwDataIDs(t *testing.T, body string) []string {
	t.Helper()
	var b struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		t.Fatalf("an API answer: %v\n%s", err, body)
	}
	var ids []string
	for _, a := range b.Data {
		ids = append(ids, a.ID)
	}
	return ids
}

// secretsShown lists where the simulator's secrets, the store URL's
// password or the master key show: the workers' logs and the outputs.
func (c *qwCluster) secretsShown(outputs ...string) []string {
	var shown []string
	texts := map[string]string{}
	for _, w := range c.workers {
		b, _ := os.ReadFile(w.log)
		texts[w.name+"'s log"] = string(b)
	}
	for i, o := range outputs {
		texts[fmt.Sprintf("output %d", i)] = o
	}
	secrets := append(c.sim.secrets(), qwPassword, c.key)
	for where, text := range texts {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				shown = append(shown, where)
			}
		}
	}
	return shown
}

// qwJobLine is a worker's note of a job's start or end.
var qwJobLine = regexp.MustCompile(`(?m)worker: job (\d+) (started|ended|handed back|failed|ran out of time|waits)`)

// busy lists the jobs the worker's current process has started and not
// ended, from its log.
func (w *qwWorker) busy() []string {
	log := w.logFrom(0)
	if i := strings.LastIndex(log, "==== start "); i >= 0 {
		log = log[i:]
	}
	open := map[string]bool{}
	var order []string
	for _, m := range qwJobLine.FindAllStringSubmatch(log, -1) {
		if m[2] == "started" {
			open[m[1]] = true
			order = append(order, m[1])
		} else {
			delete(open, m[1])
		}
	}
	var out []string
	for _, id := range order {
		if open[id] {
			out = append(out, id)
		}
	}
	return out
}

// killBusy waits until progress() reaches atLeast and a worker is running
// a job, then SIGKILLs that worker (the one with the most jobs running)
// and returns it with the progress at the kill. It fails the test when
// that does not happen within limit: a kill that hits no work proves
// nothing.
func (c *qwCluster) killBusy(what string, limit time.Duration, progress func() int, atLeast int) (*qwWorker, int) {
	c.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		p := progress()
		if p >= atLeast {
			var victim *qwWorker
			for _, w := range c.workers {
				if w.running() && len(w.busy()) > 0 && (victim == nil || len(w.busy()) > len(victim.busy())) {
					victim = w
				}
			}
			if victim != nil {
				jobs := victim.busy()
				c.kill9(victim)
				c.t.Logf("%s SIGKILLed running jobs %v when %s was %d (wanted at least %d)", victim.name, jobs, what, p, atLeast)
				return victim, p
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("no worker was running a job when %s was at least %d within %s (it is %d)", what, atLeast, limit, p)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// rerun lists the jobs that a worker started again after another had
// started them (River's rescue of a dead worker's job): "job N (attempt
// K)" notes with K above 1, from every worker's log.
func (c *qwCluster) rerun() []string {
	var out []string
	re := regexp.MustCompile(`job (\d+) started: ([^\n]*) \(attempt ([2-9]|\d\d+)\)`)
	for _, w := range c.workers {
		for _, m := range re.FindAllStringSubmatch(w.logFrom(0), -1) {
			out = append(out, w.name+": job "+m[1]+" "+m[2]+" attempt "+m[3])
		}
	}
	return out
}

// notes counts the workers' notes of jobs by how they went (started,
// ended, ran out of time, handed back, failed, waits), across every
// worker's log: what the test's log shows of the workers' work.
func (c *qwCluster) notes() map[string]int {
	n := map[string]int{}
	for _, w := range c.workers {
		for _, m := range qwJobLine.FindAllStringSubmatch(w.logFrom(0), -1) {
			n[m[2]]++
		}
	}
	return n
}
