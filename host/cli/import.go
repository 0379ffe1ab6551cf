package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

// ImportOptions are the inputs of `import`.
type ImportOptions struct {
	F            *Factory
	Name         string
	Method       string
	PathTemplate string
	In           string
	As           string
	Batch        int
	BatchPath    string
	Concurrency  int
	Results      string
	Errors       string
	Progress     string
	Again        bool
	Wait         bool
	MaxRecord    int64
	Queue        bool
	Detach       bool
	Chunk        int
}

func newImportCmd(f *Factory) *cobra.Command {
	opts := &ImportOptions{F: f}
	cmd := &cobra.Command{
		Use:   "import NAME -X POST|PUT|DELETE PATH-TEMPLATE --in FILE",
		Short: "Send one request per input record (JSON Lines), or batches of them",
		Long: `Send one request per record of --in (JSON Lines) through a connection.

PATH-TEMPLATE is filled from each record: accounts/{account_id}/campaigns/{id}
takes the record's account_id and id, which then leave its parameters. The
other fields go in the query string (the X Ads API convention), or with
--as form / --as json as a form or JSON body. In query strings and forms,
arrays become comma-separated lists and null an empty value.

With --batch-path the records go in batches of up to --batch (default 40) to
a batch endpoint, each as an operation (Create for POST, Update for PUT,
Delete for DELETE) with its remaining fields as params; the batch path is
filled from the records too, and each record must still name the fields of
PATH-TEMPLATE. Operations that fail are reported; the rest of their batch,
which the API refused as a whole, is sent again once.

Every record gets one result line (--results, default stdout): its input
line, result (ok, failed or unknown), status, the created id or the error
code and message. Records that failed or whose outcome is unknown are
copied, as they were, to --errors FILE.

A ledger in the store records each record's outcome as it happens. A record
is known by what it is, not by the file or line it came from: the
connection, the method, PATH-TEMPLATE, --batch-path and --as, and the
record's canonical JSON (keys sorted, no spacing; values as written), with
its occurrence number (the second identical line of a file is a second
record). So an import run again, with the same file or with an edited one
(a malformed line fixed, lines added, moved or removed), skips every record
that is done (its result line says "earlier": true, and the summary on
stderr, shown unless --progress none, counts them); --again
sends them anyway, on purpose. A record that failed is sent again.

A create (POST) whose outcome is unknown (the connection broke after it was
sent, or a run stopped while it was out) is never sent again by itself: a
duplicate costs money. Check whether it happened (for example with export),
drop those that were applied from the error file, then import that file
with --again.

Two runs of the same import (same connection, templates and input content)
never run at once: the second is refused, naming the first, or waits for it
with --wait. Runs over overlapping files may run at once: each record is
claimed by one run in the transaction that checks it, so none is sent
twice, and a record another run is sending gets that run's outcome.

A line longer than --max-record-size (default 1MiB) fails without being
read into memory, and a record whose request would have a URL over 64 KiB
or a body over 32 MiB fails before it is sent; the import goes on, and such
lines are copied to the error file as they are. A line that is not valid
UTF-8 (or holds half a surrogate pair) fails: the API would receive other
text than the file holds.

Requests run --concurrency at a time (default 4). When a response says the
rate limit is spent, every worker waits for the reset. Ctrl-C stops sending
new records and waits up to 30 seconds for the requests in flight, so that
their outcome is known; a second Ctrl-C stops at once.

The exit status is 1 when any record failed or has an unknown outcome
(earlier unknown ones included).

With --queue (a store on PostgreSQL) the import runs on 'integrator
worker's: the input is uploaded to the store (in pieces of at most 4 MiB),
cut into chunks of --chunk records (default 100) that workers import side by
side through the same ledger, and the command follows the run to its end
(--detach returns at once). The results and error lines are kept in the
store: 'integrator runs download ID --results' (or --errors) writes them,
in input order. A chunk whose worker dies is run again by another: what it
did is skipped, and a create it had in flight is reported unknown, never
sent again.`,
		Example: `  integrator import prod -X POST 'accounts/{account_id}/campaigns' --in campaigns.jsonl --errors failed.jsonl > results.jsonl
  integrator import prod -X PUT 'accounts/{account_id}/campaigns/{id}' --in changes.jsonl --concurrency 8
  integrator import prod -X POST 'accounts/{account_id}/line_items' --in items.jsonl \
    --batch-path 'batch/accounts/{account_id}/line_items' --batch 40 --results results.jsonl`,
		Args: exactArgs("NAME", "PATH-TEMPLATE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name, opts.PathTemplate = args[0], args[1]
			return importRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Method, "method", "X", "", "the HTTP `METHOD`: POST, PUT or DELETE (required)")
	cmd.Flags().StringVar(&opts.In, "in", "", "the input `FILE`: one JSON object per line (required)")
	cmd.Flags().StringVar(&opts.As, "as", "query", "send the other fields as `AS`: query, form or json")
	cmd.Flags().IntVar(&opts.Batch, "batch", 40, "`N` records per batch request, with --batch-path")
	cmd.Flags().StringVar(&opts.BatchPath, "batch-path", "", "send batches to this `PATH-TEMPLATE` instead of one request per record")
	cmd.Flags().IntVar(&opts.Concurrency, "concurrency", 4, "`N` requests in flight at once")
	cmd.Flags().StringVar(&opts.Results, "results", "-", "write the result lines to `FILE`, or - for stdout")
	cmd.Flags().StringVar(&opts.Errors, "errors", "", "copy the input lines of records that failed or whose outcome is unknown to `FILE`")
	cmd.Flags().BoolVar(&opts.Again, "again", false, "send records that are done (in the ledger as ok or unknown) again, on purpose")
	cmd.Flags().BoolVar(&opts.Wait, "wait", false, "wait for another run of the same import to end, instead of refusing")
	opts.MaxRecord = app.DefaultMaxRecordBytes
	cmd.Flags().Var(sizeValue{&opts.MaxRecord}, "max-record-size", "fail input lines longer than this (bytes, or with a unit: 512KiB, 2MiB), without reading them; at most 32MiB")
	progressFlag(cmd, &opts.Progress)
	queueFlags(cmd, &opts.Queue, &opts.Detach)
	cmd.Flags().IntVar(&opts.Chunk, "chunk", 0, "with --queue: `N` records per worker job (default 100)")
	_ = cmd.MarkFlagRequired("method")
	_ = cmd.MarkFlagRequired("in")
	return cmd
}

// importJob checks the options and builds the import, without a connection.
func importJob(opts *ImportOptions, batchSet bool) (*app.ImportOptions, error) {
	method := strings.ToUpper(opts.Method)
	switch {
	case opts.In == "":
		return nil, errors.New("--in FILE is required")
	case batchSet && opts.BatchPath == "":
		return nil, errors.New("--batch needs --batch-path: the batch endpoint to send to")
	case opts.Errors != "" && opts.Errors == opts.Results:
		return nil, errors.New("--results and --errors name the same file")
	}
	if opts.MaxRecord == 0 {
		opts.MaxRecord = app.DefaultMaxRecordBytes
	}
	return &app.ImportOptions{Method: method, PathTemplate: opts.PathTemplate, In: opts.In, As: strings.ToLower(opts.As),
		BatchPath: opts.BatchPath, Batch: opts.Batch, Concurrency: opts.Concurrency, Results: opts.Results, Errors: opts.Errors,
		Again: opts.Again, Wait: opts.Wait, MaxRecordBytes: int(min(opts.MaxRecord, 1<<40))}, nil
}

func importRun(ctx context.Context, opts *ImportOptions) error {
	f := opts.F
	if err := checkQueueFlags(opts.Queue, opts.Detach); err != nil {
		return err
	}
	if opts.Chunk != 0 && !opts.Queue {
		return errors.New("--chunk goes with --queue: it cuts a queued import's input for the workers; add --queue, or leave --chunk out")
	}
	im, err := importJob(opts, opts.BatchPath == "" && opts.Batch != 40)
	if err != nil {
		return err
	}
	if opts.Queue {
		run, err := f.App().QueueImport(ctx, app.Flow{Connection: opts.Name, OptionName: flagName}, *im, opts.Chunk)
		if err != nil {
			return err
		}
		return queued(ctx, f, run, opts.Detach, opts.Progress)
	}
	sum, pr, err := runFlow(ctx, f, opts.Name, opts.Progress, *im, (*app.App).Import)
	if err != nil {
		return err
	}
	line := app.DescribeImport(sum, flagName)
	if !app.ImportFailed(sum) {
		pr.Done("%s in %s", line, sum.Elapsed.Round(1e7))
		return nil
	}
	// Failures are reported whatever --progress says.
	pr.Clear()
	fmt.Fprintln(f.IO.ErrOut, line)
	if sum.Unknown+sum.EarlierUnknown > 0 {
		fmt.Fprintln(f.IO.ErrOut, app.UnknownOutcomeAdvice(flagName))
	}
	if opts.Errors != "" {
		fmt.Fprintf(f.IO.ErrOut, "Their input lines are in %s; fix them or drop those that were applied, then import that file (with --again for those whose outcome is unknown).\n", opts.Errors)
	}
	return exit1
}

// plural is "1 noun" or "N nouns".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
