package main

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the bench's own schema

	"github.com/openintegrator/integrator/plugin/bench/internal/benchsim"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "queue bench:", err)
		os.Exit(1)
	}
}

type options struct {
	accounts, campaigns, count, concurrency, rounds int
	latency                                         time.Duration
	workers                                         []workerSet
	store                                           string
	cliParallel                                     bool
	pgStatements                                    int
}

func run() error {
	var o options
	flag.IntVar(&o.accounts, "accounts", 8, "ads accounts, one export (one queued run) each")
	flag.IntVar(&o.campaigns, "campaigns", 5000, "campaigns per account (all are exported, deleted ones too)")
	flag.IntVar(&o.count, "count", 200, "records per page")
	flag.DurationVar(&o.latency, "latency", 100*time.Millisecond, "the simulator's latency per request")
	workers := flag.String("workers", "1,2,4", "worker sets to measure, comma-separated: N workers, or NxC for N workers at --concurrency C")
	flag.IntVar(&o.concurrency, "concurrency", 1, "each worker's --concurrency (jobs at once) where --workers does not say")
	flag.IntVar(&o.rounds, "rounds", 2, "rounds; each runs every variant once, in turn")
	flag.StringVar(&o.store, "store", os.Getenv("INTEGRATOR_TEST_POSTGRES"), "a PostgreSQL server's URL (the bench makes a schema of its own there and drops it)")
	flag.BoolVar(&o.cliParallel, "cli-parallel", true, "also measure the CLI as one process per account, all at once")
	flag.IntVar(&o.pgStatements, "pg-statements", 0, "after each queued variant, print the server's top N statements by total time (needs pg_stat_statements loaded; 0: off)")
	flag.Parse()
	for _, w := range strings.Split(*workers, ",") {
		n, c, hasC := strings.Cut(strings.TrimSpace(w), "x")
		ws := workerSet{concurrency: o.concurrency}
		var err error
		ws.n, err = strconv.Atoi(n)
		if err == nil && hasC {
			ws.concurrency, err = strconv.Atoi(c)
		}
		if err != nil || ws.n < 1 || ws.concurrency < 1 {
			return fmt.Errorf("--workers: %q is not N or NxC (N workers at --concurrency C)", w)
		}
		o.workers = append(o.workers, ws)
	}
	if o.store == "" {
		return fmt.Errorf("no PostgreSQL server: give --store URL or run under .ci/with-postgres (INTEGRATOR_TEST_POSTGRES)")
	}

	tmp, err := os.MkdirTemp("", "queue-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "bin")
	for path, pkg := range map[string]string{
		filepath.Join(bin, "integrator"):                                  "./host/cmd/integrator",
		filepath.Join(bin, "plugins", "integrator-connector-twitter-ads"): "./plugin/cmd/integrator-connector-twitter-ads",
		filepath.Join(bin, "twitter-ads-sim"):                             "./plugin/cmd/twitter-ads-sim",
	} {
		if err := benchsim.Build(path, pkg); err != nil {
			return err
		}
	}
	simCmd, sim, err := benchsim.Start(filepath.Join(bin, "twitter-ads-sim"), append([]string{
		"--accounts", strconv.Itoa(o.accounts), "--campaigns", strconv.Itoa(o.campaigns),
		"--latency", o.latency.String()}, benchsim.NoLimits...)...)
	if err != nil {
		return err
	}
	defer simCmd.Process.Kill()

	storeURL, db, dropSchema, err := benchSchema(o.store)
	if err != nil {
		return err
	}
	defer dropSchema()
	pg, err := findPostgres(o.store)
	if err != nil {
		fmt.Fprintf(os.Stderr, "queue bench: the PostgreSQL server's CPU is not measured: %v\n", err)
	}
	key := make([]byte, 32)
	rand.Read(key)
	shared := []string{"INTEGRATOR_STORE=" + storeURL, "INTEGRATOR_MASTER_KEY=" + base64.StdEncoding.EncodeToString(key)}
	ibin := filepath.Join(bin, "integrator")
	op := newHost(ibin, filepath.Join(tmp, "operator"), shared)
	if _, err := op.run("store", "migrate"); err != nil {
		return err
	}
	if err := op.connect(sim); err != nil {
		return err
	}
	cli := newHost(ibin, filepath.Join(tmp, "cli"), nil) // the one-machine default: SQLite in its home
	if err := cli.connect(sim); err != nil {
		return err
	}
	accounts, err := op.accounts()
	if err != nil {
		return err
	}
	if len(accounts) != o.accounts {
		return fmt.Errorf("the simulator lists %d accounts, want %d", len(accounts), o.accounts)
	}
	exportArgs := func(acct string) []string {
		return []string{"export", "bench", "accounts/" + acct + "/campaigns", "-F", "count=" + strconv.Itoa(o.count),
			"-F", "with_deleted=true", "--progress", "none"}
	}
	b := &bench{o: o, tmp: tmp, ibin: ibin, shared: shared, op: op, cli: cli, accounts: accounts,
		exportArgs: exportArgs, simPid: simCmd.Process.Pid, pg: pg, db: db, stmts: newStatements(db, o.pgStatements)}

	variants := []string{"cli-loop"}
	if o.cliParallel {
		variants = append(variants, "cli-parallel")
	}
	for _, w := range o.workers {
		variants = append(variants, fmt.Sprintf("workers-%dx%d", w.n, w.concurrency))
	}
	fmt.Fprintf(os.Stderr, "queue bench: %d accounts of %d campaigns, pages of %d, latency %s, %d CPUs, variants %v, %d rounds\n",
		o.accounts, o.campaigns, o.count, o.latency, runtime.NumCPU(), variants, o.rounds)
	results := map[string][]measure{}
	for round := 1; round <= o.rounds; round++ {
		for _, v := range variants {
			m, err := b.measure(v)
			if err != nil {
				b.report(variants, results) // what was measured, then the failure
				return fmt.Errorf("round %d, %s: %w", round, v, err)
			}
			results[v] = append(results[v], m)
			fmt.Fprintf(os.Stderr, "round %d: %-13s %6.2f s  CPU s: integrator+plugins %.1f, simulator %.1f, PostgreSQL %.1f; PostgreSQL: %d sessions, %d transactions committed, %d rolled back, %.1f s executing statements; load average %s\n",
				round, v, m.wall.Seconds(), m.cpuHost, m.cpuSim, m.cpuPG, m.db.sessions, m.db.commits, m.db.rollbacks, m.db.activeMs/1000, loadAverage())
			if strings.HasPrefix(v, "workers-") {
				b.stmts.report(fmt.Sprintf("round %d, %s", round, label(v)), o.accounts*((o.campaigns+o.count-1)/o.count))
			}
		}
	}
	b.report(variants, results)
	return nil
}

// measure is one variant's figures in one round.
type measure struct {
	wall                   time.Duration
	span                   time.Duration    // the whole measurement, workers' start and stop included: the CPU figures' interval
	cpuHost, cpuSim, cpuPG float64          // CPU seconds
	writes                 map[string]int64 // rows inserted, updated and deleted in the store, by table
	db                     dbCounters       // the database's counters (all of the server's clients)
}

type bench struct {
	o          options
	tmp, ibin  string
	shared     []string
	op, cli    *host
	accounts   []string
	exportArgs func(acct string) []string
	simPid     int
	pg         *pgServer
	db         *sql.DB // the bench's own connection to the store's schema
	stmts      *statements
	reference  [][]byte // the CLI's export of each account, from the first loop
}

func (b *bench) measure(v string) (measure, error) {
	b.stmts.reset()
	d0 := dbStats(b.db)
	sim0, pg0, t0, w0 := procCPU(b.simPid), b.pg.cpu(), time.Now(), b.tableWrites()
	var m measure
	var err error
	switch {
	case v == "cli-loop":
		m, err = b.cliLoop()
	case v == "cli-parallel":
		m, err = b.cliParallel()
	default:
		var ws workerSet
		fmt.Sscanf(v, "workers-%dx%d", &ws.n, &ws.concurrency)
		m, err = b.queued(ws)
	}
	m.cpuSim, m.cpuPG, m.span = procCPU(b.simPid)-sim0, b.pg.cpu()-pg0, time.Since(t0)
	m.writes = b.tableWrites()
	d1 := dbStats(b.db)
	m.db = dbCounters{d1.commits - d0.commits, d1.rollbacks - d0.rollbacks, d1.sessions - d0.sessions, d1.activeMs - d0.activeMs}
	for t, n := range w0 {
		m.writes[t] -= n
	}
	return m, err
}

// cliLoop exports the accounts one after the other, each with one CLI
// process, as a script's loop would.
func (b *bench) cliLoop() (measure, error) {
	var m measure
	start := time.Now()
	outs := make([]string, len(b.accounts))
	for i, a := range b.accounts {
		outs[i] = filepath.Join(b.tmp, fmt.Sprintf("loop-%d.jsonl", i))
		os.Remove(outs[i])
		p, err := b.cli.start(append(b.exportArgs(a), "--out", outs[i])...)
		if err != nil {
			return m, err
		}
		if err := p.wait(); err != nil {
			return m, err
		}
		m.cpuHost += p.cpu
	}
	m.wall = time.Since(start)
	return m, b.check("the CLI's loop", outs)
}

// cliParallel exports every account at once, one CLI process each.
func (b *bench) cliParallel() (measure, error) {
	var m measure
	start := time.Now()
	outs := make([]string, len(b.accounts))
	var procs []*proc
	for i, a := range b.accounts {
		outs[i] = filepath.Join(b.tmp, fmt.Sprintf("parallel-%d.jsonl", i))
		os.Remove(outs[i])
		p, err := b.cli.start(append(b.exportArgs(a), "--out", outs[i])...)
		if err != nil {
			return m, err
		}
		procs = append(procs, p)
	}
	var firstErr error
	for _, p := range procs {
		if err := p.wait(); err != nil && firstErr == nil {
			firstErr = err
		}
		m.cpuHost += p.cpu
	}
	m.wall = time.Since(start)
	if firstErr != nil {
		return m, firstErr
	}
	return m, b.check("the CLI processes at once", outs)
}

// queued starts n workers (not timed), queues one export per account,
// waits for every run's end and stops the workers. The wall time runs
// from the first --queue command to the last run's end as the store
// records it.
func (b *bench) queued(ws workerSet) (measure, error) {
	n := ws.n
	var m measure
	var workers []*proc
	defer func() {
		for _, w := range workers {
			w.stop()
		}
	}()
	for i := 0; i < n; i++ {
		w := newHost(b.ibin, filepath.Join(b.tmp, fmt.Sprintf("worker-%d", i)), b.shared)
		p, err := w.startWorker("--concurrency", strconv.Itoa(ws.concurrency))
		if err != nil {
			return m, err
		}
		workers = append(workers, p)
	}
	start := time.Now()
	var ids []string
	for _, a := range b.accounts {
		p, err := b.op.start(append(b.exportArgs(a), "--queue", "--detach")...)
		if err != nil {
			return m, err
		}
		if err := p.wait(); err != nil {
			return m, err
		}
		m.cpuHost += p.cpu
		id, err := queuedID(p.stdout.String())
		if err != nil {
			return m, err
		}
		ids = append(ids, id)
	}
	var end time.Time
	for _, id := range ids {
		p, err := b.op.start("runs", "wait", id, "--progress", "none")
		if err != nil {
			return m, err
		}
		if err := p.wait(); err != nil {
			return m, fmt.Errorf("run %s did not end ok: %w", id, err)
		}
		out, err := b.op.run("runs", "show", id, "--json")
		if err != nil {
			return m, err
		}
		var r struct {
			Outcome string     `json:"outcome"`
			EndedAt *time.Time `json:"ended_at"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || r.EndedAt == nil || r.Outcome != "ok" {
			return m, fmt.Errorf("runs show %s: %v: %s", id, err, out)
		}
		if r.EndedAt.After(end) {
			end = *r.EndedAt
		}
	}
	m.wall = end.Sub(start)
	for _, w := range workers {
		if err := w.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "queue bench: a worker's stop: %v\n%s", err, tail(w.stderr.String(), 400))
		}
		m.cpuHost += w.cpu
	}
	workers = nil
	outs := make([]string, len(ids))
	for i, id := range ids {
		outs[i] = filepath.Join(b.tmp, fmt.Sprintf("queued-%d.jsonl", i))
		os.Remove(outs[i])
		if _, err := b.op.run("runs", "download", id, "--out", outs[i]); err != nil {
			return m, err
		}
	}
	return m, b.check(fmt.Sprintf("%d workers at --concurrency %d", n, ws.concurrency), outs)
}

// check compares each account's export with the first loop's.
func (b *bench) check(what string, outs []string) error {
	for i, path := range outs {
		got, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if b.reference == nil || len(b.reference) <= i {
			if lines := bytes.Count(got, []byte("\n")); lines != b.o.campaigns {
				return fmt.Errorf("%s: account %s has %d records, want %d", what, b.accounts[i], lines, b.o.campaigns)
			}
			b.reference = append(b.reference, got)
			continue
		}
		if !bytes.Equal(got, b.reference[i]) {
			return fmt.Errorf("%s: account %s's export (%d bytes) differs from the CLI's (%d bytes)", what, b.accounts[i], len(got), len(b.reference[i]))
		}
	}
	return nil
}

func (b *bench) report(variants []string, results map[string][]measure) {
	o := b.o
	pages := o.accounts * ((o.campaigns + o.count - 1) / o.count)
	fmt.Printf("Exports of %d accounts x %d campaigns (pages of %d: %d requests) at %s per request; %d CPUs; %d rounds.\n\n",
		o.accounts, o.campaigns, o.count, pages, o.latency, runtime.NumCPU(), o.rounds)
	fmt.Println("| variant | wall time per round | speed-up over the CLI's loop, per round | pages/s (median) | CPU s: integrator + plugins / simulator / PostgreSQL (median) | CPUs busy, workers' start and stop included (median) |")
	fmt.Println("|---|---|---|---:|---|---:|")
	loop := results["cli-loop"]
	for _, v := range variants {
		ms := results[v]
		var walls, ratios []string
		var rateN, hostN, simN, pgN, busyN []float64
		for i, m := range ms {
			walls = append(walls, fmt.Sprintf("%.1f s", m.wall.Seconds()))
			ratios = append(ratios, fmt.Sprintf("%.2f", loop[i].wall.Seconds()/m.wall.Seconds()))
			rateN = append(rateN, float64(pages)/m.wall.Seconds())
			hostN, simN, pgN = append(hostN, m.cpuHost), append(simN, m.cpuSim), append(pgN, m.cpuPG)
			busyN = append(busyN, (m.cpuHost+m.cpuSim+m.cpuPG)/m.span.Seconds())
		}
		if len(ms) == 0 {
			continue
		}
		fmt.Printf("| %s | %s | %s | %.1f | %.1f / %.1f / %.1f | %.2f |\n", label(v), strings.Join(walls, ", "),
			strings.Join(ratios, ", "), median(rateN), median(hostN), median(simN), median(pgN), median(busyN))
	}
	b.reportWrites(variants, results, pages)
}

func label(v string) string {
	switch v {
	case "cli-loop":
		return "CLI, one account after the other"
	case "cli-parallel":
		return "CLI, one process per account at once"
	}
	var n, c int
	fmt.Sscanf(v, "workers-%dx%d", &n, &c)
	return fmt.Sprintf("%d worker%s at --concurrency %d", n, map[bool]string{true: "", false: "s"}[n == 1], c)
}

// workerSet is a number of workers and their --concurrency.
type workerSet struct{ n, concurrency int }

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// benchSchema makes a schema of the bench's own on the server and returns
// a store URL naming it, and a function that drops it.
func benchSchema(server string) (string, *sql.DB, func(), error) {
	var r [6]byte
	rand.Read(r[:])
	schema := "queue_bench_" + hex.EncodeToString(r[:])
	u, err := url.Parse(server)
	if err != nil {
		return "", nil, nil, fmt.Errorf("--store: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		return "", nil, nil, err
	}
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		db.Close()
		return "", nil, nil, fmt.Errorf("making the bench's schema: %w", err)
	}
	return u.String(), db, func() {
		db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		db.Close()
	}, nil
}

// tableWrites reads, from PostgreSQL's statistics, how many rows each
// table of the store has had inserted, updated and deleted.
func (b *bench) tableWrites() map[string]int64 {
	out := map[string]int64{}
	rows, err := b.db.Query(`SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables WHERE schemaname = current_schema()`)
	if err != nil {
		return out
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var n int64
		if rows.Scan(&t, &n) == nil {
			out[t] = n
		}
	}
	return out
}

// reportWrites prints the store's rows written per page, by table, for
// each queued variant's last round.
func (b *bench) reportWrites(variants []string, results map[string][]measure, pages int) {
	tables := map[string]bool{}
	for _, v := range variants {
		if ms := results[v]; len(ms) > 0 && strings.HasPrefix(v, "workers-") {
			for t, n := range ms[len(ms)-1].writes {
				if n > 0 {
					tables[t] = true
				}
			}
		}
	}
	if len(tables) == 0 {
		return
	}
	names := slices.Sorted(maps.Keys(tables))
	fmt.Printf("\nRows written in the store (PostgreSQL) per page exported, last round:\n\n| variant | %s |\n|---|%s\n", strings.Join(names, " | "), strings.Repeat("---:|", len(names)))
	for _, v := range variants {
		ms := results[v]
		if len(ms) == 0 || !strings.HasPrefix(v, "workers-") {
			continue
		}
		var cells []string
		for _, t := range names {
			cells = append(cells, fmt.Sprintf("%.1f", float64(ms[len(ms)-1].writes[t])/float64(pages)))
		}
		fmt.Printf("| %s | %s |\n", label(v), strings.Join(cells, " | "))
	}
}
