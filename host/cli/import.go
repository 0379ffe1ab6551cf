package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/flows"
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

A ledger in the store records each record's outcome as it happens, so the
same import run again (same connection, method, templates, --as and input
content) skips what is done. A create (POST) whose outcome is unknown (the
connection broke after it was sent, or a run stopped while it was out) is
never sent again by itself: a duplicate costs money. Check whether it
happened (for example with export), then feed the records to retry back as
a new --in file (the error file is one).

Requests run --concurrency at a time (default 4). When a response says the
rate limit is spent, every worker waits for the reset.

The exit status is 1 when any record failed or has an unknown outcome.`,
		Example: `  integrator import prod -X POST 'accounts/{account_id}/campaigns' --in campaigns.jsonl --errors failed.jsonl > results.jsonl
  integrator import prod -X PUT 'accounts/{account_id}/campaigns/{id}' --in changes.jsonl --concurrency 8
  integrator import prod -X POST 'accounts/{account_id}/line_items' --in items.jsonl \
    --batch-path 'batch/accounts/{account_id}/line_items' --batch 40 --results results.jsonl`,
		Args: cobra.ExactArgs(2),
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
	progressFlag(cmd, &opts.Progress)
	_ = cmd.MarkFlagRequired("method")
	_ = cmd.MarkFlagRequired("in")
	return cmd
}

// importJob checks the options and builds the import, without a connection.
func importJob(opts *ImportOptions, batchSet bool) (*flows.Import, error) {
	method := strings.ToUpper(opts.Method)
	switch {
	case opts.In == "":
		return nil, errors.New("--in FILE is required")
	case batchSet && opts.BatchPath == "":
		return nil, errors.New("--batch needs --batch-path: the batch endpoint to send to")
	case opts.Errors != "" && opts.Errors == opts.Results:
		return nil, errors.New("--results and --errors name the same file")
	}
	return &flows.Import{Method: method, PathTemplate: opts.PathTemplate, In: opts.In, As: strings.ToLower(opts.As),
		BatchPath: opts.BatchPath, Batch: opts.Batch, Concurrency: opts.Concurrency, Results: opts.Results, Errors: opts.Errors}, nil
}

func importRun(ctx context.Context, opts *ImportOptions) error {
	f := opts.F
	im, err := importJob(opts, opts.BatchPath == "" && opts.Batch != 40)
	if err != nil {
		return err
	}
	sum, pr, err := runFlow(ctx, f, opts.Name, opts.Progress, &im.Deps, im.Run)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("Imported %d records: %d ok, %d failed, %d unknown", sum.Records, sum.OK, sum.Failed, sum.Unknown)
	if sum.Earlier > 0 {
		line += fmt.Sprintf(" (%d of them from an earlier run)", sum.Earlier)
	}
	if sum.Restarts > 0 {
		line += fmt.Sprintf(" (the plugin was restarted %d times)", sum.Restarts)
	}
	if sum.Failed+sum.Unknown == 0 {
		pr.Done("%s in %s", line, sum.Elapsed.Round(1e7))
		return nil
	}
	// Failures are reported whatever --progress says.
	pr.Clear()
	fmt.Fprintln(f.IO.ErrOut, line)
	if sum.Unknown > 0 {
		fmt.Fprintln(f.IO.ErrOut, "Records with an unknown outcome may have been applied: check before sending them again.")
	}
	if opts.Errors != "" {
		fmt.Fprintf(f.IO.ErrOut, "Their input lines are in %s; fix them or drop those that were applied, then import that file.\n", opts.Errors)
	}
	return exit1
}
