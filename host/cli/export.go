package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

// ExportOptions are the inputs of `export`.
type ExportOptions struct {
	F          *Factory
	Name       string
	Path       string
	Fields     []string
	Records    string
	RecordsSet bool // --records was given
	Out        string
	MaxRecords int64
	MaxPage    int64
	Resume     bool
	Restart    bool
	Progress   string
	Queue      bool
	Detach     bool
}

func newExportCmd(f *Factory) *cobra.Command {
	opts := &ExportOptions{F: f, MaxPage: app.DefaultMaxPageBytes}
	cmd := &cobra.Command{
		Use:   "export NAME PATH",
		Short: "Export every record of a list endpoint as JSON Lines",
		Long: `Export every record of a list endpoint through a connection, page after
page, and write one JSON record per line. How the API's lists page (a
cursor, a next page's URL, page numbers, a Link header) and which field of
an answer holds the records is what the connector says (the X Ads API: a
cursor, and the records in data); --records names another field.

With --out FILE the records go to FILE.part (created 0600, never through a
symbolic link), which is renamed to FILE once complete. After each page is
synced to disk, the cursor, the file's size and the SHA-256 of its bytes are
checkpointed in the store, so a run that is killed at any moment loses
nothing: run the same command with --resume to continue where it stopped;
every record ends up in the file exactly once. The same command means the
same connection, path, -F parameters, --records, --max-records and --out.
Without --resume an unfinished run is an error; --restart starts over.
--resume refuses, changing nothing, when FILE.part no longer holds the bytes
the checkpoint vouches for, and when there is nothing to resume.

FILE.part is owned by its run until the run is complete: a command of other
parameters aimed at it is refused, naming the unfinished run (--restart
discards that run's progress and takes the file over), and a command aimed
at an output another integrator is writing is refused, naming that process.

Failed pages are asked for again (the connector also retries rate limits,
503s and resets itself), rate-limit resets are waited for, and a plugin that dies is
started again. Output to stdout (the default, or --out -) cannot be resumed.
Ask for large pages where the API has a page size parameter (the X Ads API:
-F count=1000).

Only what can succeed later is tried again. An answer that asking again
cannot change stops the export at once with the API's message: a 4xx other
than 408 and a rate limit (429, or the connection's own rate-limit status)
(a wrong path, an account you cannot use), a path that
answers one object rather than a list, or a list in another field than
--records names; a next cursor (or page URL) that the export has already
followed (a cycle, which would loop for ever); a page whose answer is
larger than --max-page-size (default 64MiB; the host holds up to twice that
in memory).

Records are written byte for byte as the API sent them, only without the
whitespace between values. A record whose strings hold bytes that are not
valid UTF-8 is kept as it is, neither repaired nor refused: a warning on
stderr names the first such line (whatever --progress says), and another
after the summary counts them. Check them before handing the file to a tool
that rejects invalid UTF-8.`,
		Example: `  integrator export prod accounts/18ce54d4x5t/campaigns -F count=1000 --out campaigns.jsonl
  integrator export prod accounts/18ce54d4x5t/campaigns -F count=1000 --out campaigns.jsonl --resume
  integrator export prod accounts/18ce54d4x5t/line_items -F with_deleted=true --max-records 50`,
		Args: exactArgs("NAME", "PATH"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.RecordsSet = cmd.Flags().Changed("records")
			opts.Name, opts.Path = args[0], args[1]
			return exportRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringArrayVarP(&opts.Fields, "field", "F", nil, "a query parameter `KEY=VALUE` (repeatable)")
	cmd.Flags().StringVar(&opts.Records, "records", "", "the response `FIELD` that holds the records (default: the one the connector names; data for Twitter Ads)")
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "-", "write to `FILE` (resumable), or - for stdout")
	cmd.Flags().Int64Var(&opts.MaxRecords, "max-records", 0, "stop after `N` records (0: all)")
	cmd.Flags().Var(sizeValue{&opts.MaxPage}, "max-page-size", "refuse a page whose answer is larger than `SIZE` (bytes, or e.g. 128MiB, 1GB)")
	cmd.Flags().BoolVar(&opts.Resume, "resume", false, "continue an unfinished run of the same command")
	cmd.Flags().BoolVar(&opts.Restart, "restart", false, "forget an unfinished run of the same command and start over")
	progressFlag(cmd, &opts.Progress)
	queueFlags(cmd, &opts.Queue, &opts.Detach)
	return cmd
}

// exportJob checks the options and builds the export, without a connection.
func exportJob(opts *ExportOptions) (*app.ExportOptions, error) {
	params, err := parseParams(opts.Fields)
	if err != nil {
		return nil, err
	}
	switch {
	case opts.Resume && opts.Restart:
		return nil, errors.New("--resume and --restart contradict each other: use one")
	case opts.MaxRecords < 0:
		return nil, errors.New("--max-records must not be negative")
	case opts.RecordsSet && opts.Records == "":
		return nil, errors.New("--records must name a field")
	case (opts.Resume || opts.Restart) && (opts.Out == "-" || opts.Out == ""):
		return nil, errors.New("--resume and --restart need --out FILE: an export to stdout cannot be resumed")
	}
	return &app.ExportOptions{Path: opts.Path, Params: params, RecordsField: opts.Records, Out: opts.Out,
		MaxRecords: opts.MaxRecords, MaxPageBytes: opts.MaxPage, Resume: opts.Resume, Restart: opts.Restart}, nil
}

func exportRun(ctx context.Context, opts *ExportOptions) error {
	f := opts.F
	if err := checkQueueFlags(opts.Queue, opts.Detach); err != nil {
		return err
	}
	if opts.Queue && opts.Out != "-" && opts.Out != "" {
		return errors.New("--out with --queue: a queued export's output is kept in the store, for any machine; leave --out out, and write it with 'integrator runs download ID --out FILE' once the run is done")
	}
	x, err := exportJob(opts)
	if err != nil {
		return err
	}
	if opts.Queue {
		run, err := f.App().QueueExport(ctx, opts.Name, *x)
		if err != nil {
			return err
		}
		return queued(ctx, f, run, opts.Detach, opts.Progress)
	}
	sum, pr, err := runFlow(ctx, f, opts.Name, opts.Progress, *x, (*app.App).Export)
	if err != nil {
		return err
	}
	pr.Done("%s in %s", app.DescribeExport(sum), sum.Elapsed.Round(1e7))
	if w := app.InvalidUTF8Warning(sum); w != "" {
		pr.Warn("%s", w)
	}
	return nil
}
