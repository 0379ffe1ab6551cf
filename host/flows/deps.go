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
}

// quietIfNil gives a run without a Progress one that hears nothing.
func (d *Deps) quietIfNil() {
	if d.Progress == nil {
		d.Progress = quiet{}
	}
}
