package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/connections"
	"github.com/openintegrator/integrator/host/flows"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// flowCommands returns the data-moving commands: export, import, report.
func flowCommands(f *Factory) []*cobra.Command {
	return []*cobra.Command{newExportCmd(f), newImportCmd(f), newReportCmd(f)}
}

// flowConn is what a flow runs with: the store, the connection, and a
// plugin that is started again if it dies.
type flowConn struct {
	svc      *connections.Service
	conn     store.Connection
	plugin   *flows.Plugin
	progress *Progress
}

// runFlow opens the connection name with its plugin, fills the flow's deps,
// runs it, and returns its summary and the progress writer for the last
// line.
func runFlow[S any](ctx context.Context, f *Factory, name, progressMode string, deps *flows.Deps, run func(context.Context) (S, error)) (S, *Progress, error) {
	fc, err := openFlow(ctx, f, name, progressMode)
	if err != nil {
		var none S
		return none, nil, err
	}
	defer fc.Close()
	*deps = flows.Deps{Plugin: fc.plugin, Store: fc.svc.Store, Progress: fc.progress, Stdout: f.IO.Out,
		ConnectionID: fc.conn.ID, ConnectionName: fc.conn.Name}
	sum, err := run(ctx)
	return sum, fc.progress, err
}

func (c *flowConn) Close() {
	c.plugin.Close()
	c.svc.Store.Close()
}

// openFlow checks the --progress mode, loads a connection and prepares its
// plugin, which starts on the first request.
func openFlow(ctx context.Context, f *Factory, name, progressMode string) (*flowConn, error) {
	pr, err := newProgress(f, progressMode)
	if err != nil {
		return nil, err
	}
	svc, c, cfg, err := openConnection(ctx, f, name)
	if err != nil {
		return nil, err
	}
	start := func(ctx context.Context) (flows.Conn, error) {
		inst, err := f.StartPlugin(ctx, c.Type)
		if err != nil {
			return nil, err
		}
		return &pluginConn{do: inst.DoRequest, close: inst.Close, cfg: cfg.WithDefaults(inst.Spec)}, nil
	}
	return &flowConn{svc: svc, conn: c, plugin: flows.NewPlugin(start, 0), progress: pr}, nil
}

// pluginConn binds a started plugin to a connection's settings.
type pluginConn struct {
	do    func(context.Context, schema.Config, shared.Request) (*shared.Response, error)
	close func()
	cfg   schema.Config
}

func (c *pluginConn) DoRequest(ctx context.Context, req shared.Request) (*shared.Response, error) {
	return c.do(ctx, c.cfg, req)
}

func (c *pluginConn) Close() { c.close() }

// progressFlag adds --progress.
func progressFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "progress", "auto", "show progress on stderr as `MODE`: auto (when it is a terminal), plain (lines, for logs) or none")
}

// newProgress returns the progress writer that --progress asks for.
func newProgress(f *Factory, mode string) (*Progress, error) {
	m, err := ParseProgressMode(mode, f.IO.IsStderrTTY())
	if err != nil {
		return nil, err
	}
	return NewProgress(f.IO.ErrOut, m), nil
}

// parseParams reads -F KEY=VALUE flags, keeping their order.
func parseParams(fields []string) ([]shared.Param, error) {
	var ps []shared.Param
	for _, kv := range fields {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("-F %q: write it as KEY=VALUE", kv)
		}
		ps = append(ps, shared.Param{Key: k, Value: v})
	}
	return ps, nil
}

// splitList reads a comma-separated flag value that may also be repeated.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
