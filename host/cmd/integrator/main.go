// Command integrator is the integration host: it finds connector plugins,
// manages connections and runs flows through them. Run it with --help.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/openintegrator/integrator/host/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	f := cli.NewFactory()
	err := cli.NewRootCmd(f).ExecuteContext(ctx)
	stop()
	if code, ok := cli.IsExitError(err); ok {
		os.Exit(code)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
