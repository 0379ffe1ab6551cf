package cli

import (
	"context"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

// ReportOptions are the inputs of `report`.
type ReportOptions struct {
	F            *Factory
	Name         string
	Account      string
	Entity       string
	IDs          []string
	Start, End   string
	Granularity  string
	Metrics      []string
	Placement    string
	Segment      string
	Out          string
	MaxJobs      int
	PollInterval time.Duration
	Progress     string
	Resume       bool
	Restart      bool
	Queue        bool
	Detach       bool
}

func newReportCmd(f *Factory) *cobra.Command {
	opts := &ReportOptions{F: f}
	cmd := &cobra.Command{
		Use:   "report NAME --account ID --entity ENTITY --ids ID,... --start T --end T --granularity G --metrics GROUP,...",
		Short: "Run an async analytics report and write its rows as JSON Lines",
		Long: `Run an asynchronous analytics report through a connection whose connector
offers them (Twitter Ads: the X Ads API's stats jobs), and write one JSON
line per entity, segment and job window:
{"id","segment","start_time","end_time","granularity","placement","job_id","metrics"}.

The window and the id list are split to the API's limits: at most 90 days
per job (45 when segmented) and 20 ids. Jobs are created while fewer than
--max-jobs (at most 100) of them are processing, polled with a growing
wait, and each result is downloaded through the connection's plugin as a
stream and decompressed on the fly. A result url that is still null, or
answers 404, right after the job succeeded is asked for again.

Times are RFC 3339 (2026-01-31T08:00:00Z) or dates (midnight UTC); they
must be whole hours. With --out FILE the rows go to FILE.part, renamed to
FILE when the report is complete.

A report to a file keeps a checkpoint: the rows of each job once they are
on disk, and the id of every job it creates. If it stops (an error, Ctrl-C,
a crash), the same command with --resume continues where it stopped: it asks
the API for the jobs it created instead of creating them again (each one
counts against the account's 100 processing jobs), and writes no row twice.
--restart forgets the earlier run instead. A report to stdout cannot be
resumed. As with export, FILE.part is created 0600 and never through a
symbolic link, --resume refuses a part file that no longer holds the bytes
its checkpoint vouches for (and says so when there is nothing to resume),
and a part file another unfinished command owns is refused, naming it.

With --queue (a store on PostgreSQL) each job of the report is a job for
'integrator worker's: it creates its stats job once (its id is kept in the
store), then polls it, waiting between polls without holding a worker, and
stores its rows. The command follows the run to its end (--detach returns at
once); 'integrator runs download ID' writes the rows, in the same order and
format as a report to a file.`,
		Example: `  integrator report prod --account 18ce54d4x5t --entity LINE_ITEM --ids 8u94t,8v7jo \
    --start 2026-01-01 --end 2026-05-01 --granularity DAY --metrics ENGAGEMENT,BILLING --out stats.jsonl`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			return reportRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Account, "account", "", "the ads account `ID` (required)")
	cmd.Flags().StringVar(&opts.Entity, "entity", "", "the `ENTITY` type: CAMPAIGN, LINE_ITEM, PROMOTED_TWEET, FUNDING_INSTRUMENT or ACCOUNT (required)")
	cmd.Flags().StringSliceVar(&opts.IDs, "ids", nil, "the entity `IDS`, comma-separated (repeatable; required)")
	cmd.Flags().StringVar(&opts.Start, "start", "", "the start `TIME`, inclusive (required)")
	cmd.Flags().StringVar(&opts.End, "end", "", "the end `TIME`, exclusive (required)")
	cmd.Flags().StringVar(&opts.Granularity, "granularity", "", "the `GRANULARITY`: DAY, HOUR or TOTAL (required)")
	cmd.Flags().StringSliceVar(&opts.Metrics, "metrics", nil, "metric `GROUPS`, comma-separated: ENGAGEMENT, BILLING, VIDEO, ... (required)")
	cmd.Flags().StringVar(&opts.Placement, "placement", "", "the `PLACEMENT` (default: the one the connector names, for Twitter Ads all of X's own placements; also PUBLISHER_NETWORK, ...)")
	cmd.Flags().StringVar(&opts.Segment, "segment", "", "a segmentation `TYPE` (jobs then span at most 45 days)")
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "-", "write to `FILE`, or - for stdout")
	cmd.Flags().IntVar(&opts.MaxJobs, "max-jobs", 0, "at most `N` jobs processing at once (0, the default: the most the API allows, as the connector says; 100 for Twitter Ads)")
	cmd.Flags().DurationVar(&opts.PollInterval, "poll-interval", time.Second, "the first `WAIT` between status polls; it grows while nothing changes")
	cmd.Flags().BoolVar(&opts.Resume, "resume", false, "continue an unfinished run of the same command")
	cmd.Flags().BoolVar(&opts.Restart, "restart", false, "forget an unfinished run of the same command and start over")
	progressFlag(cmd, &opts.Progress)
	queueFlags(cmd, &opts.Queue, &opts.Detach)
	return cmd
}

// reportJob checks the options and builds the report, without a connection.
func reportJob(opts *ReportOptions) (*app.ReportOptions, error) {
	r := &app.ReportOptions{Account: opts.Account, Entity: opts.Entity, IDs: splitList(opts.IDs), Granularity: opts.Granularity,
		Metrics: splitList(opts.Metrics), Placement: opts.Placement, Segment: opts.Segment, Out: opts.Out,
		MaxJobs: opts.MaxJobs, PollInterval: opts.PollInterval, Resume: opts.Resume, Restart: opts.Restart}
	var errs []error
	var err error
	switch {
	case opts.Resume && opts.Restart:
		errs = append(errs, errors.New("--resume and --restart contradict each other: use one"))
	case (opts.Resume || opts.Restart) && (opts.Out == "-" || opts.Out == ""):
		errs = append(errs, errors.New("--resume and --restart need --out FILE: a report to stdout cannot be resumed"))
	}
	if opts.Start != "" {
		if r.Start, err = app.ParseReportTime(opts.Start); err != nil {
			errs = append(errs, errors.New("--start: "+err.Error()))
		}
	}
	if opts.End != "" {
		if r.End, err = app.ParseReportTime(opts.End); err != nil {
			errs = append(errs, errors.New("--end: "+err.Error()))
		}
	}
	if opts.PollInterval <= 0 {
		errs = append(errs, errors.New("--poll-interval must be positive"))
	}
	return r, errors.Join(errs...)
}

func reportRun(ctx context.Context, opts *ReportOptions) error {
	f := opts.F
	if err := checkQueueFlags(opts.Queue, opts.Detach); err != nil {
		return err
	}
	r, err := reportJob(opts)
	if err != nil {
		return err
	}
	if opts.Queue {
		run, err := f.App().QueueReport(ctx, app.Flow{Connection: opts.Name, OptionName: flagName}, *r)
		if err != nil {
			return err
		}
		return queued(ctx, f, run, opts.Detach, opts.Progress)
	}
	sum, pr, err := runFlow(ctx, f, opts.Name, opts.Progress, *r, (*app.App).Report)
	if err != nil {
		return err
	}
	pr.Done("%s in %s", app.DescribeReport(sum), sum.Elapsed.Round(1e7))
	return nil
}
