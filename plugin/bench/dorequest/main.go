package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/plugin/bench/internal/benchsim"
	"github.com/openintegrator/integrator/plugin/oauth1"
	"github.com/openintegrator/integrator/plugin/twitterads"
	"github.com/openintegrator/integrator/plugin/twitteradssim"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "dorequest:", err)
		os.Exit(1)
	}
}

// pluginEnv is added to the plugin's environment (--plugin-env).
var pluginEnv []string

type options struct {
	plugin, sim string
	calls       int
	duration    time.Duration
	concurrency int
	big         int64
	rounds      int
}

func run() error {
	var o options
	flag.StringVar(&o.plugin, "plugin", "", "plugin binary (default: built into a temporary folder)")
	flag.StringVar(&o.sim, "sim", "", "simulator binary (default: built into a temporary folder)")
	flag.IntVar(&o.calls, "calls", 3000, "sequential calls per side for the latency figures")
	flag.DurationVar(&o.duration, "duration", 3*time.Second, "length of each throughput run")
	flag.IntVar(&o.concurrency, "concurrency", 8, "concurrent callers for the throughput figures")
	flag.Int64Var(&o.big, "big", 1<<30, "size of the large body in bytes")
	flag.IntVar(&o.rounds, "rounds", 2, "throughput and large-body runs per side, alternating")
	flag.Func("plugin-env", "`NAME=VALUE` added to the plugin's environment, e.g. GOGC=400; repeatable", func(v string) error {
		pluginEnv = append(pluginEnv, v)
		return nil
	})
	parts := flag.String("parts", "latency,floor,throughput,big", "which measurements to run, comma-separated")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of this process (the host side) to `FILE`")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	tmp, err := os.MkdirTemp("", "dorequest-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if o.plugin == "" {
		o.plugin = filepath.Join(tmp, "integrator-connector-twitter-ads")
		if err = benchsim.Build(o.plugin, "./plugin/cmd/integrator-connector-twitter-ads"); err != nil {
			return err
		}
	}
	if o.sim == "" {
		o.sim = filepath.Join(tmp, "twitter-ads-sim")
		if err = benchsim.Build(o.sim, "./plugin/cmd/twitter-ads-sim"); err != nil {
			return err
		}
	}
	simCmd, sim, err := benchsim.Start(o.sim, benchsim.NoLimits...)
	if err != nil {
		return err
	}
	defer simCmd.Process.Kill()

	ctx := context.Background()
	inst, err := shared.Start(ctx, o.plugin, shared.ClientOptions{
		Logger: hclog.New(&hclog.LoggerOptions{Level: hclog.Warn, Output: os.Stderr}),
		Env:    append([]string{shared.LogLevelEnv + "=warn"}, pluginEnv...),
	})
	if err != nil {
		return err
	}
	defer inst.Close()
	pluginPid, err := findPid(o.plugin)
	if err != nil {
		return err
	}
	cfg := schema.Config{
		twitterads.KeyConsumerKey:    schema.StringValue(sim.ConsumerKey),
		twitterads.KeyConsumerSecret: schema.StringValue(sim.ConsumerSecret),
		twitterads.KeyAccessToken:    schema.StringValue(sim.AccessToken),
		twitterads.KeyTokenSecret:    schema.StringValue(sim.TokenSecret),
		twitterads.KeyBaseURI:        schema.StringValue(sim.URL),
	}
	sides := []side{
		{"in process", twitterads.New(nil)},
		{"plugin", inst},
	}
	small := shared.Request{URL: "accounts/" + sim.AccountID}

	fmt.Printf("GOOS/GOARCH %s/%s, %d CPUs, %s\n\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())

	want := func(part string) bool { return slices.Contains(strings.Split(*parts, ","), part) }
	pids := []string{strconv.Itoa(os.Getpid()), strconv.Itoa(pluginPid), strconv.Itoa(simCmd.Process.Pid)}
	if want("latency") {
		if err := latency(ctx, o, cfg, sides, small); err != nil {
			return err
		}
	}
	if want("floor") {
		if err := floor(ctx, o, cfg, sides); err != nil {
			return err
		}
	}
	if want("throughput") {
		if err := concurrent(ctx, o, cfg, sides, small, pids); err != nil {
			return err
		}
	}
	if want("big") {
		if err := bigBody(ctx, o, sim, cfg, sides, pids); err != nil {
			return err
		}
	}
	printTargets()
	return nil
}

// target is one of the goals and what this run measured for it.
type target struct{ what, goal, result, verdict string }

var targets []target

func checkTarget(what, goal, result string, met bool) {
	verdict := "missed"
	if met {
		verdict = "met"
	}
	targets = append(targets, target{what, goal, result, verdict})
}

func printTargets() {
	fmt.Printf("\n| target | goal | this run | |\n|---|---|---|---|\n")
	for _, t := range targets {
		fmt.Printf("| %s | %s | %s | %s |\n", t.what, t.goal, t.result, t.verdict)
	}
}

// latency times sequential small calls; calls alternate between the sides
// so that drift hits both.
func latency(ctx context.Context, o options, cfg schema.Config, sides []side, small shared.Request) error {
	lat := make([][]time.Duration, len(sides))
	for i := 0; i < 200; i++ { // warm up connections and code paths
		for _, s := range sides {
			if _, err := call(ctx, s.c, cfg, small); err != nil {
				return err
			}
		}
	}
	for i := 0; i < o.calls; i++ {
		for j, s := range sides {
			d, err := call(ctx, s.c, cfg, small)
			if err != nil {
				return err
			}
			lat[j] = append(lat[j], d)
		}
	}
	fmt.Println("| small JSON GET, sequential | p50 | p90 | p99 |")
	fmt.Println("|---|---|---|---|")
	for j, s := range sides {
		slices.Sort(lat[j])
		fmt.Printf("| %s | %s | %s | %s |\n", s.name, pct(lat[j], 50), pct(lat[j], 90), pct(lat[j], 99))
	}
	added := pct(lat[1], 50) - pct(lat[0], 50)
	checkTarget("added latency per call, p50", "< 100µs", added.String(), added < 100*time.Microsecond)
	fmt.Printf("| added by the plugin | %s | %s | %s |\n\n", pct(lat[1], 50)-pct(lat[0], 50),
		pct(lat[1], 90)-pct(lat[0], 90), pct(lat[1], 99)-pct(lat[0], 99))

	return nil
}

// floor times calls that make no HTTP request: the cost of the boundary.
func floor(ctx context.Context, o options, cfg schema.Config, sides []side) error {
	refused := shared.Request{URL: "https://elsewhere.invalid/"}
	floors := []struct {
		name string
		f    func(shared.Connector) error
	}{
		{"Validate (unary call)", func(c shared.Connector) error { _, err := c.Validate(ctx, cfg); return err }},
		{"DoRequest refused before sending (stream, no HTTP)", func(c shared.Connector) error { _, err := call(ctx, c, cfg, refused); return err }},
	}
	fmt.Println("| plugin boundary without HTTP, p50 | in process | plugin | added |")
	fmt.Println("|---|---|---|---|")
	for _, fl := range floors {
		var ds [2][]time.Duration
		for i := 0; i < o.calls; i++ {
			for j, s := range sides {
				start := time.Now()
				if err := fl.f(s.c); err != nil && !errors.Is(err, errStatus) {
					return err
				}
				ds[j] = append(ds[j], time.Since(start))
			}
		}
		slices.Sort(ds[0])
		slices.Sort(ds[1])
		fmt.Printf("| %s | %s | %s | %s |\n", fl.name, pct(ds[0], 50), pct(ds[1], 50), pct(ds[1], 50)-pct(ds[0], 50))
	}
	fmt.Println()

	return nil
}

// concurrent measures throughput with concurrent callers, and the CPU time
// each process spends per call.
func concurrent(ctx context.Context, o options, cfg schema.Config, sides []side, small shared.Request, pids []string) error {
	rates := make([]float64, len(sides))
	cpu := make([][]time.Duration, len(sides))
	for r := 0; r < o.rounds; r++ {
		for j, s := range sides {
			m := newCPUMeter(pids...)
			n, err := throughput(ctx, s.c, cfg, small, o.concurrency, o.duration)
			if err != nil {
				return err
			}
			rates[j] += n / float64(o.rounds)
			calls := n * o.duration.Seconds()
			for k, u := range m.used() {
				if r == 0 {
					cpu[j] = append(cpu[j], 0)
				}
				cpu[j][k] += time.Duration(float64(u) / calls / float64(o.rounds))
			}
		}
	}
	fmt.Printf("| small JSON GET, %d callers | calls/s | CPU per call: host | plugin | simulator |\n|---|---|---|---|---|\n", o.concurrency)
	for j, s := range sides {
		fmt.Printf("| %s | %.0f | %s | %s | %s |\n", s.name, rates[j], cpu[j][0].Round(time.Microsecond),
			cpu[j][1].Round(time.Microsecond), cpu[j][2].Round(time.Microsecond))
	}
	fmt.Printf("| plugin / in process | %.2f | | | |\n\n", rates[1]/rates[0])
	checkTarget(fmt.Sprintf("throughput with %d callers, plugin / in process", o.concurrency), ">= 0.8",
		fmt.Sprintf("%.2f", rates[1]/rates[0]), rates[1]/rates[0] >= 0.8)
	return nil
}

// errStatus marks an answer other than 200.
var errStatus = errors.New("status")

type side struct {
	name string
	c    shared.Connector
}

// call makes one request and reads its body.
func call(ctx context.Context, c shared.Connector, cfg schema.Config, req shared.Request) (time.Duration, error) {
	start := time.Now()
	resp, err := c.DoRequest(ctx, cfg, req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err == nil && resp.Status != 200 {
		err = fmt.Errorf("%w %d: %v", errStatus, resp.Status, resp.Diagnostics)
	}
	return time.Since(start), err
}

func throughput(ctx context.Context, c shared.Connector, cfg schema.Config, req shared.Request, workers int, d time.Duration) (float64, error) {
	var n atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	stop := time.Now().Add(d)
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				if _, err := call(ctx, c, cfg, req); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	return float64(n.Load()) / time.Since(start).Seconds(), firstErr
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[(len(sorted)-1)*p/100].Round(time.Microsecond)
}

// bigBody reads a large body directly with net/http and through the
// plugin (and in process, for reference), with the peak RSS of this
// process and of the plugin during the plugin runs.
func bigBody(ctx context.Context, o options, sim twitteradssim.Ready, cfg schema.Config, sides []side, pids []string) error {
	req := shared.Request{URL: "sim/blob", Query: []shared.Param{{Key: "size", Value: strconv.FormatInt(o.big, 10)}}, Timeout: time.Hour}
	signer := &oauth1.Signer{ConsumerKey: sim.ConsumerKey, ConsumerSecret: sim.ConsumerSecret, Token: sim.AccessToken, TokenSecret: sim.TokenSecret}
	direct := func() (time.Duration, error) {
		r, err := http.NewRequestWithContext(ctx, http.MethodGet, sim.URL+"/12/sim/blob?size="+strconv.FormatInt(o.big, 10), nil)
		if err != nil {
			return 0, err
		}
		if err := signer.Sign(r); err != nil {
			return 0, err
		}
		start := time.Now()
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		n, err := io.CopyBuffer(io.Discard, resp.Body, make([]byte, 32<<10))
		if err == nil && n != o.big {
			err = fmt.Errorf("direct read: %d bytes", n)
		}
		return time.Since(start), err
	}
	through := func(c shared.Connector) (time.Duration, error) {
		start := time.Now()
		resp, err := c.DoRequest(ctx, cfg, req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		n, err := io.CopyBuffer(io.Discard, onlyReader{resp.Body}, make([]byte, 32<<10))
		if err == nil && (n != o.big || resp.Status != 200) {
			err = fmt.Errorf("read %d bytes, status %d %v", n, resp.Status, resp.Diagnostics)
		}
		return time.Since(start), err
	}

	names := []string{"direct net/http", "in process", "plugin"}
	runs := []func() (time.Duration, error){direct, func() (time.Duration, error) { return through(sides[0].c) },
		func() (time.Duration, error) { return through(sides[1].c) }}
	took := make([]time.Duration, len(runs))
	cpu := make([][]time.Duration, len(runs))
	var hostPeak, pluginPeak int64
	self, plugin := pids[0], pids[1]
	for r := 0; r < o.rounds; r++ {
		for i, run := range runs {
			if i == 2 {
				runtime.GC()
				debug.FreeOSMemory()
				if err := resetPeak(self); err != nil {
					return fmt.Errorf("resetting the peak RSS: %w", err)
				}
				if err := resetPeak(plugin); err != nil {
					return fmt.Errorf("resetting the plugin's peak RSS: %w", err)
				}
			}
			m := newCPUMeter(pids...)
			d, err := run()
			if err != nil {
				return fmt.Errorf("%s: %w", names[i], err)
			}
			took[i] += d
			for k, u := range m.used() {
				if r == 0 {
					cpu[i] = append(cpu[i], 0)
				}
				cpu[i][k] += u
			}
			if i == 2 {
				hostPeak = max(hostPeak, memKiB(self, "VmHWM"))
				pluginPeak = max(pluginPeak, memKiB(plugin, "VmHWM"))
			}
		}
	}
	gib := float64(o.big) * float64(o.rounds) / (1 << 30)
	mibs := func(t time.Duration) float64 { return gib * 1024 / t.Seconds() }
	fmt.Printf("| %d MiB body | MiB/s | ratio to direct | CPU s per GiB: host | plugin | simulator |\n|---|---|---|---|---|---|\n", o.big>>20)
	for i, name := range names {
		fmt.Printf("| %s | %.0f | %.2f | %.2f | %.2f | %.2f |\n", name, mibs(took[i]), mibs(took[i])/mibs(took[0]),
			cpu[i][0].Seconds()/gib, cpu[i][1].Seconds()/gib, cpu[i][2].Seconds()/gib)
	}
	fmt.Printf("\n| peak RSS (VmHWM) while reading through the plugin | MiB |\n|---|---|\n")
	fmt.Printf("| host (this process) | %.1f |\n| plugin | %.1f |\n", float64(hostPeak)/1024, float64(pluginPeak)/1024)
	ratio := mibs(took[2]) / mibs(took[0])
	checkTarget(fmt.Sprintf("%d MiB body, plugin / direct net/http", o.big>>20), ">= 0.6", fmt.Sprintf("%.2f", ratio), ratio >= 0.6)
	checkTarget("peak RSS, host / plugin", "<= 64 MiB each", fmt.Sprintf("%.1f / %.1f MiB", float64(hostPeak)/1024, float64(pluginPeak)/1024),
		hostPeak <= 64<<10 && pluginPeak <= 64<<10)
	return nil
}

// onlyReader hides WriteTo and ReadFrom, so io.CopyBuffer uses its buffer.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }
