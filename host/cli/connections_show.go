package cli

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
)

type testJSON struct {
	OK   bool      `json:"ok"`
	At   time.Time `json:"at"`
	Note string    `json:"note"`
}

type connectionJSON struct {
	Name      string            `json:"name"`
	Type      string            `json:"type"`
	ID        string            `json:"id"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
	LastTest  *testJSON         `json:"last_test"`
	Settings  map[string]string `json:"settings,omitempty"`
}

// connectionView shows c without any secret value: secrets are "(set)".
// The store holds only sealed secrets, so no value is opened here.
func connectionView(c store.Connection, withSettings bool) connectionJSON {
	out := connectionJSON{Name: c.Name, Type: c.Type, ID: c.ID, CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC()}
	if t := c.LastTest; t != nil {
		out.LastTest = &testJSON{OK: t.OK, At: t.At.UTC(), Note: t.Note}
	}
	if withSettings {
		out.Settings = map[string]string{}
		for k, v := range c.Values {
			out.Settings[k] = v.Text()
		}
		for k := range c.Secrets {
			out.Settings[k] = schema.Redacted
		}
	}
	return out
}

func testSummary(t *testJSON) (string, string) {
	if t == nil {
		return "never", "-"
	}
	status := "failed"
	if t.OK {
		status = "ok"
	}
	return status, t.At.Local().Format("2006-01-02 15:04:05")
}

type connectionsListOptions struct {
	F    *Factory
	JSON bool
}

func newConnectionsListCmd(f *Factory) *cobra.Command {
	opts := &connectionsListOptions{F: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List connections with their last test result",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := f.Service(cmd.Context())
			if err != nil {
				return err
			}
			defer svc.Store.Close()
			list, err := svc.Store.List(cmd.Context())
			if err != nil {
				return err
			}
			views := []connectionJSON{}
			for _, c := range list {
				views = append(views, connectionView(c, false))
			}
			if opts.JSON {
				return writeJSON(f.IO.Out, views)
			}
			if len(views) == 0 {
				fmt.Fprintln(f.IO.ErrOut, "No connections yet: create one with 'integrator connections create'.")
				return nil
			}
			tw := newTable(f.IO.Out)
			fmt.Fprintln(tw, "NAME\tTYPE\tLAST TEST\tTESTED AT")
			for _, v := range views {
				status, at := testSummary(v.LastTest)
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Name, v.Type, status, at)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON array")
	return cmd
}

func newConnectionsShowCmd(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a connection's settings; secrets show as (set)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return connectionsShowRun(cmd.Context(), f, args[0], asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON object")
	return cmd
}

func connectionsShowRun(ctx context.Context, f *Factory, name string, asJSON bool) error {
	svc, err := f.Service(ctx)
	if err != nil {
		return err
	}
	defer svc.Store.Close()
	c, err := svc.Store.Get(ctx, name)
	if err != nil {
		return err
	}
	v := connectionView(c, true)
	if asJSON {
		return writeJSON(f.IO.Out, v)
	}
	status, at := testSummary(v.LastTest)
	fmt.Fprintf(f.IO.Out, "Name:       %s\nType:       %s\nCreated:    %s\nUpdated:    %s\nLast test:  %s %s\n\nSettings:\n",
		v.Name, v.Type, v.CreatedAt.Local().Format(time.RFC3339), v.UpdatedAt.Local().Format(time.RFC3339), status, at)
	keys := make([]string, 0, len(v.Settings))
	for k := range v.Settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tw := newTable(f.IO.Out)
	for _, k := range keys {
		fmt.Fprintf(tw, "  %s\t%s\n", k, v.Settings[k])
	}
	return tw.Flush()
}

func newConnectionsTestCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "test NAME",
		Short: "Test a saved connection against the API (exit 0 when ok, 1 when not)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			svc, c, cfg, err := openConnection(ctx, f, args[0])
			if err != nil {
				return err
			}
			defer svc.Store.Close()
			inst, err := f.StartPlugin(ctx, c.Type)
			if err != nil {
				return err
			}
			defer inst.Close()
			res, err := inst.Ping(ctx, cfg.WithDefaults(inst.Spec))
			if err != nil {
				return err
			}
			printPing(f, res)
			if err := svc.Store.RecordTest(ctx, c.ID, store.TestResult{OK: res.OK, At: time.Now(), Note: pingNote(res)}); err != nil {
				return err
			}
			if !res.OK {
				return exit1
			}
			return nil
		},
	}
}
