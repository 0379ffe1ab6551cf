package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/openintegrator/integrator/plugin/bench/internal/benchsim"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "export bench:", err)
		os.Exit(1)
	}
}

func run() error {
	campaigns := flag.Int("campaigns", 100_000, "campaigns in the account (all are exported, deleted ones too)")
	count := flag.Int("count", 1000, "records per page")
	rounds := flag.Int("rounds", 5, "runs per side, alternating")
	flag.Parse()

	tmp, err := os.MkdirTemp("", "export-bench-")
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
	simCmd, sim, err := benchsim.Start(filepath.Join(bin, "twitter-ads-sim"), append([]string{"--campaigns", strconv.Itoa(*campaigns)}, benchsim.NoLimits...)...)
	if err != nil {
		return err
	}
	defer simCmd.Process.Kill()
	h, err := newHost(filepath.Join(bin, "integrator"), filepath.Join(tmp, "home"), sim)
	if err != nil {
		return err
	}
	d := newDirect(sim, *count)
	directOut, hostOut := filepath.Join(tmp, "direct.jsonl"), filepath.Join(tmp, "host.jsonl")

	var directRates, hostRates []float64
	var peak peaks
	for i := 0; i < *rounds; i++ {
		start := time.Now()
		n, err := d.export(directOut)
		if err != nil {
			return fmt.Errorf("direct client: %w", err)
		}
		if n != int64(*campaigns) {
			return fmt.Errorf("direct client exported %d records, want %d", n, *campaigns)
		}
		directRates = append(directRates, float64(n)/time.Since(start).Seconds())

		os.Remove(hostOut)
		elapsed, p, err := h.runWatched("export", "bench", "accounts/"+sim.AccountID+"/campaigns",
			"-F", "count="+strconv.Itoa(*count), "-F", "with_deleted=true", "--out", hostOut, "--progress", "none")
		if err != nil {
			return err
		}
		hostRates = append(hostRates, float64(*campaigns)/elapsed.Seconds())
		peak.host, peak.plugin = max(peak.host, p.host), max(peak.plugin, p.plugin)
		a, _ := os.ReadFile(directOut)
		b, _ := os.ReadFile(hostOut)
		if !bytes.Equal(a, b) {
			return fmt.Errorf("round %d: the host's export (%d bytes) differs from the direct client's (%d bytes)", i+1, len(b), len(a))
		}
		fmt.Fprintf(os.Stderr, "round %d: direct %.0f records/s, host %.0f records/s, host peak RSS %.1f MiB\n",
			i+1, directRates[i], hostRates[i], mib(p.host))
	}
	dm, hm := median(directRates), median(hostRates)
	fmt.Printf("Export of %d campaigns in pages of %d, %d rounds per side (medians):\n\n", *campaigns, *count, *rounds)
	fmt.Println("| measure | value | target |")
	fmt.Println("|---|---|---|")
	fmt.Printf("| direct client | %.0f records/s | |\n", dm)
	fmt.Printf("| integrator export (host + plugin) | %.0f records/s | |\n", hm)
	// Each round's ratio compares runs made seconds apart, so a burst of
	// load from elsewhere spoils one round, not the figure.
	ratios := make([]float64, len(hostRates))
	for i := range hostRates {
		ratios[i] = hostRates[i] / directRates[i]
	}
	fmt.Printf("| ratio host / direct, median of the rounds | %.2f (%.2f to %.2f) | ≥ 0.80 |\n", median(ratios), slices.Min(ratios), slices.Max(ratios))
	fmt.Printf("| host peak RSS (VmHWM) | %.1f MiB | ≤ 64 MiB |\n", mib(peak.host))
	fmt.Printf("| plugin peak RSS (VmHWM) | %.1f MiB | |\n", mib(peak.plugin))
	return nil
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
