package app

import (
	"context"
	"io"

	"github.com/openintegrator/integrator/host/flows"
)

// Progress hears what a run says while it runs (see flows.Progress); the
// CLI's terminal renderer is one. Calls come from several goroutines.
type Progress = flows.Progress

// The options and summaries of the runs.
type (
	ExportOptions = flows.ExportOptions
	ExportSummary = flows.ExportSummary
	ImportOptions = flows.ImportOptions
	ImportSummary = flows.ImportSummary
	ReportOptions = flows.ReportOptions
	ReportSummary = flows.ReportSummary
)

// StoppedError is the error of a run that stopped before its end with its
// progress kept: Err says why, Kept what is kept and how to continue.
type StoppedError = flows.StoppedError

// Flow says what a run goes through and where it reports.
type Flow struct {
	Connection string    // the saved connection's name
	Progress   Progress  // nil hears nothing
	Stdout     io.Writer // where an output of "-" goes
	// OptionName words an option of the run (resume, records, ...) as the
	// front end's users know it, in the run's messages; nil: by its name,
	// quoted.
	OptionName func(name string) string
	// SharedLimits makes the run take each request's unit of the API's
	// rate limit from the store's shared rows (flows.Deps.SharedLimits):
	// for runs beside others on other machines, as queued runs are.
	SharedLimits bool
}

// Export runs an export through a connection: every record of a list
// endpoint to JSON Lines, checkpointed after each page so that a run
// stopped at any moment is resumed (o.Resume) without loss or duplicates.
// Ending ctx stops it, its progress kept.
func (a *App) Export(ctx context.Context, fl Flow, o ExportOptions) (ExportSummary, error) {
	x := &flows.Export{ExportOptions: o}
	return runFlow(ctx, a, fl, &x.Deps, x.Run)
}

// Import runs an import through a connection: one request per input
// record, or batches of them, with a ledger of every record's outcome so
// that a record done is not sent again. Ending ctx stops sending and waits
// a while for the requests in flight.
func (a *App) Import(ctx context.Context, fl Flow, o ImportOptions) (ImportSummary, error) {
	im := &flows.Import{ImportOptions: o}
	return runFlow(ctx, a, fl, &im.Deps, im.Run)
}

// Report runs an async analytics report through a connection, resumable
// like an export. Ending ctx stops it, its progress kept.
func (a *App) Report(ctx context.Context, fl Flow, o ReportOptions) (ReportSummary, error) {
	r := &flows.Report{ReportOptions: o}
	return runFlow(ctx, a, fl, &r.Deps, r.Run)
}

// runFlow opens the connection with its plugin, which starts on the first
// request and again if it dies, fills the run's deps and runs it.
func runFlow[S any](ctx context.Context, a *App, fl Flow, deps *flows.Deps, run func(context.Context) (S, error)) (S, error) {
	svc, c, cfg, err := a.openSaved(ctx, fl.Connection)
	if err != nil {
		var none S
		return none, err
	}
	p := flows.NewPlugin(func(ctx context.Context) (flows.Conn, error) { return a.start(ctx, svc, c, cfg) }, 0)
	defer p.Close()
	*deps = flows.Deps{Plugin: p, Store: svc.Store, Progress: fl.Progress, Stdout: fl.Stdout, ConnectionID: c.ID, ConnectionName: c.Name,
		OptionName: fl.OptionName, SharedLimits: fl.SharedLimits}
	return run(ctx)
}
