package flows

import (
	"io"

	"github.com/openintegrator/integrator/host/store"
)

// Deps is what every flow runs with; the host core (host/app) fills it
// once per run.
type Deps struct {
	Plugin       *Plugin
	Store        *store.Store // where checkpoints and ledgers are kept; a report may go without
	Progress     Progress     // may be nil
	Stdout       io.Writer    // where an output of "-" goes
	ConnectionID string       // the connection the flow's checkpoints belong to
	// ConnectionName names the connection in what a run says of itself
	// (in messages of other commands, while it runs or after it stopped).
	ConnectionName string
	// OptionName says how the caller's users name an option of a run
	// ("resume": the CLI's --resume); nil: by its name, quoted.
	OptionName func(name string) string
	// SharedLimits makes every request of the run (export pages, import
	// sends, report calls) take its unit of the API's rate limit from
	// Store's rate_limits rows, which every process using the store
	// shares, before it is sent, and record there what its answer says of
	// the budget: workers on several machines then never send more than
	// the API allows, together. The queued jobs set it (with Store, which
	// it needs); a run alone in its process needs only its own limiter.
	SharedLimits bool
}

// quietIfNil gives a run without a Progress one that hears nothing.
func (d *Deps) quietIfNil() {
	if d.Progress == nil {
		d.Progress = quiet{}
	}
}
