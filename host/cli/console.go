package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/web"
)

// ConsoleOptions are the inputs of `console`.
type ConsoleOptions struct {
	F               *Factory
	Listen          string
	NoBrowser       bool
	TLSCert, TLSKey string
	openBrowser     func(string) (func(), error) // web.OpenBrowser; tests replace it
}

func newConsoleCmd(f *Factory) *cobra.Command {
	opts := &ConsoleOptions{F: f, openBrowser: web.OpenBrowser}
	cmd := &cobra.Command{
		Use:   "console",
		Short: "Serve the web console and open it in the browser",
		Long: `Serve the web console: connections, connectors, plugins and runs in a
browser. It prints one line, the console's link, which holds a one-time
token: the first browser to open it gets a session cookie, and the link
stops working. Without that cookie every page answers 401.

By default the console listens on a free port of 127.0.0.1 and opens the
link in the browser (--no-browser to only print it). --listen on an address
that is not a loopback one needs TLS: give --tls-cert and --tls-key. Stop
the console with Ctrl-C.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return consoleRun(cmd.Context(), opts) },
	}
	cmd.Flags().StringVar(&opts.Listen, "listen", web.DefaultListen, "listen on `ADDR`, host:port (port 0 picks a free one)")
	cmd.Flags().BoolVar(&opts.NoBrowser, "no-browser", false, "print the link without opening a browser")
	cmd.Flags().StringVar(&opts.TLSCert, "tls-cert", "", "serve over TLS with the certificate in `FILE` (PEM)")
	cmd.Flags().StringVar(&opts.TLSKey, "tls-key", "", "the TLS certificate's private key, in `FILE` (PEM)")
	return cmd
}

func consoleRun(ctx context.Context, opts *ConsoleOptions) error {
	f := opts.F
	if (opts.TLSCert == "") != (opts.TLSKey == "") {
		return errors.New("--tls-cert and --tls-key go together: give both, or neither")
	}
	srv, err := web.New(f.App(), web.Options{Listen: opts.Listen, TLSCert: opts.TLSCert, TLSKey: opts.TLSKey, Logger: f.Logger().Named("console")})
	var notLoopback *web.NotLoopbackError
	if errors.As(err, &notLoopback) {
		return fmt.Errorf("--listen %s is not a loopback address: serving the console beyond this machine needs TLS; give --tls-cert FILE and --tls-key FILE, or listen on 127.0.0.1", opts.Listen)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(f.IO.Out, srv.URL())
	if !opts.NoBrowser {
		cleanup, err := opts.openBrowser(srv.URL())
		defer cleanup()
		if err != nil {
			warnf(f.IO.ErrOut, "%v; open the link above yourself", err)
		}
	}
	return srv.Serve(ctx)
}
