// Command twitter-ads-sim runs the X Ads API simulator as a process, for
// end-to-end tests, benchmarks and demos.
//
// It prints one JSON line on stdout with the URLs and demo credentials,
// then serves until SIGINT or SIGTERM. Logs go to stderr and never hold
// a secret.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/openintegrator/integrator/plugin/twitteradssim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usageHeader = `Usage: twitter-ads-sim [flags]

Runs a simulator of the X (Twitter) Ads API on loopback. Once listening it
prints one JSON line on stdout:

  {"url":...,"download_url":...,"consumer_key":...,"consumer_secret":...,
   "access_token":...,"token_secret":...,"account_id":...}

and serves until interrupted (SIGINT or SIGTERM). Sign requests with the
printed credentials (OAuth 1.0a, HMAC-SHA1) and send them to <url>/12/...
Async stats job results are served, unsigned, from <download_url>.

With --settings FILE it also writes, once listening, the settings of a
Twitter Ads connection to it, as KEY=VALUE lines (base_uri, account_id,
consumer_key, consumer_secret, access_token, token_secret; mode 0600, the
whole file at once): 'integrator connections create --type twitter-ads
--secrets-file FILE' takes them, and '. ./FILE' sets them in a shell.

Flags:
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("twitter-ads-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageHeader)
		fs.PrintDefaults()
	}
	var (
		addr         = fs.String("addr", "127.0.0.1:0", "`address` of the API listener; port 0 picks a free port")
		downloadAddr = fs.String("download-addr", "127.0.0.1:0", "`address` of the download host listener (async stats results)")
		seed         = fs.Int64("seed", 1, "seed of all generated data, ids and demo credentials; equal seeds, equal servers")
		accounts     = fs.Int("accounts", 2, "number of ads accounts (1..65536); every tenth is deleted")
		campaigns    = fs.Int("campaigns", 25, "seeded campaigns per account; computed on demand, millions are fine")
		lineItems    = fs.Int("line-items-per-campaign", 2, "seeded line items per campaign")
		tweets       = fs.Int("promoted-tweets-per-line-item", 2, "seeded promoted tweets per line item")
		fis          = fs.Int("funding-instruments", 2, "funding instruments per account (at least 1)")
		jobDelay     = fs.Duration("job-delay", 2*time.Second, "how long an async stats job stays PROCESSING")
		nullPolls    = fs.Int("null-url-polls", 1, "status polls of a finished job that still report a null url")
		notFound     = fs.Int("download-not-found", 1, "download attempts of each job result answered with 404 first")
		skew         = fs.Duration("max-clock-skew", 5*time.Minute, "largest accepted distance of oauth_timestamp from the clock")
		writeLimit   = fs.Int("write-limit", 450, "writes per minute and user (-1: unlimited)")
		readLimit    = fs.Int("read-limit", 10000, "entity reads per 15 minutes, per user and per account (-1: unlimited)")
		statsLimit   = fs.Int("sync-stats-limit", 250, "sync stats requests per 15 minutes (-1: unlimited)")
		noAcctLimit  = fs.Int("no-account-limit", 5, "GETs without an account id (GET /accounts) per 15 minutes (-1: unlimited)")
		readWindow   = fs.Duration("read-window", 15*time.Minute, "length of a rate-limit window of reads (the API's is 15 minutes)")
		writeWindow  = fs.Duration("write-window", time.Minute, "length of a rate-limit window of writes (the API's is 1 minute)")
		latency      = fs.Duration("latency", 0, "delay every API request by this long before serving it, as a network and a busy API would (e.g. 100ms)")
		settings     = fs.String("settings", "", "once listening, write a Twitter Ads connection's settings to `FILE` as KEY=VALUE lines (mode 0600)")
		faults       twitteradssim.Faults
	)
	fs.Func("fault", "inject a fault; repeatable. A `spec` is KIND[,every=N][,fraction=F][,times=N]"+
		"[,method=M][,path=P][,retry-after=D][,delay=D][,download], KIND one of too_many_requests, "+
		"internal_error, unavailable, over_capacity, reset_before, reset_after, slow, cursor_cycle (next_cursor "+
		"points back to the previous request's cursor), invalid_utf8 (the first \"name\" starts with byte 0xff)", func(v string) error {
		f, err := parseFault(v)
		if err == nil {
			faults = append(faults, f)
		}
		return err
	})
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "twitter-ads-sim: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return 2
	}
	for name, d := range map[string]time.Duration{"--read-window": *readWindow, "--write-window": *writeWindow} {
		if d <= 0 {
			fmt.Fprintf(stderr, "twitter-ads-sim: %s must be a positive duration (e.g. 1s), got %s\n", name, d)
			return 2
		}
	}
	if *latency < 0 {
		fmt.Fprintf(stderr, "twitter-ads-sim: --latency must not be negative (e.g. 100ms), got %s\n", *latency)
		return 2
	}
	limits := twitteradssim.DefaultRateLimits()
	limits.Write.Limit = *writeLimit
	limits.Read.Limit = *readLimit
	limits.SyncStats.Limit = *statsLimit
	limits.NoAccount.Limit = *noAcctLimit
	limits.Read.Window = *readWindow
	limits.Write.Window = *writeWindow

	srv, err := twitteradssim.Start(
		twitteradssim.WithAddr(*addr),
		twitteradssim.WithDownloadAddr(*downloadAddr),
		twitteradssim.WithSeed(*seed),
		twitteradssim.WithAccounts(*accounts),
		twitteradssim.WithCampaigns(*campaigns),
		twitteradssim.WithLineItemsPerCampaign(*lineItems),
		twitteradssim.WithPromotedTweetsPerLineItem(*tweets),
		twitteradssim.WithFundingInstruments(*fis),
		twitteradssim.WithStatsJobDelay(*jobDelay),
		twitteradssim.WithNullURLPolls(*nullPolls),
		twitteradssim.WithDownloadNotFound(*notFound),
		twitteradssim.WithMaxClockSkew(*skew),
		twitteradssim.WithRateLimits(limits),
		twitteradssim.WithFaults(faults),
		twitteradssim.WithLatency(*latency),
	)
	if err != nil {
		fmt.Fprintf(stderr, "twitter-ads-sim: %v\n", err)
		return 1
	}
	if *settings != "" {
		if err := writeSettings(*settings, srv.Ready()); err != nil {
			fmt.Fprintf(stderr, "twitter-ads-sim: --settings: %v\n", err)
			srv.Shutdown(context.Background())
			return 1
		}
	}
	line, _ := json.Marshal(srv.Ready())
	fmt.Fprintf(stdout, "%s\n", line)
	fmt.Fprintf(stderr, "twitter-ads-sim: serving the API on %s and downloads on %s\n", srv.URL, srv.DownloadURL)

	<-ctx.Done()
	fmt.Fprintln(stderr, "twitter-ads-sim: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(stderr, "twitter-ads-sim: shutdown: %v\n", err)
		return 1
	}
	return 0
}

// parseFault reads one --fault value.
func parseFault(v string) (twitteradssim.Fault, error) {
	parts := strings.Split(v, ",")
	var f twitteradssim.Fault
	for k := twitteradssim.FaultTooManyRequests; k <= twitteradssim.LastFaultKind; k++ {
		if k.String() == parts[0] {
			f.Kind = k
		}
	}
	if f.Kind == 0 {
		return f, fmt.Errorf("unknown fault kind %q", parts[0])
	}
	for _, p := range parts[1:] {
		key, val, _ := strings.Cut(p, "=")
		var err error
		switch key {
		case "every":
			f.Every, err = strconv.Atoi(val)
		case "fraction":
			f.Fraction, err = strconv.ParseFloat(val, 64)
		case "times":
			f.Times, err = strconv.Atoi(val)
		case "method":
			f.Method = val
		case "path":
			f.Path = val
		case "retry-after":
			f.RetryAfter, err = time.ParseDuration(val)
		case "delay":
			f.Delay, err = time.ParseDuration(val)
		case "download":
			f.Download = true
		default:
			err = fmt.Errorf("unknown setting %q", key)
		}
		if err != nil {
			return f, fmt.Errorf("fault %q: %s: %w", v, key, err)
		}
	}
	return f, nil
}

// writeSettings writes the settings of a Twitter Ads connection to the
// simulator to path, mode 0600, whole: a file beside it renamed into place,
// so that whoever waits for path never reads half of it.
func writeSettings(path string, r twitteradssim.Ready) error {
	body := fmt.Sprintf("# A Twitter Ads connection to the X Ads API simulator: integrator connections create\n"+
		"# --type twitter-ads --name NAME --secrets-file %s\n"+
		"base_uri=%s\naccount_id=%s\nconsumer_key=%s\nconsumer_secret=%s\naccess_token=%s\ntoken_secret=%s\n",
		path, r.URL, r.AccountID, r.ConsumerKey, r.ConsumerSecret, r.AccessToken, r.TokenSecret)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(body), 0o600); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil { // an old file keeps its mode through WriteFile
		return err
	}
	return os.Rename(tmp, path)
}
