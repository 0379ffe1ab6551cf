// Command integrator is the integration host: it finds connector plugins,
// manages connections and runs flows through them. Run it with --help.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/openintegrator/integrator/host/app"
	"github.com/openintegrator/integrator/host/cli"
	"github.com/openintegrator/integrator/shared"
)

func main() {
	os.Exit(run())
}

func run() int {
	// SIGINT or SIGTERM cancels the command's context; the command returns
	// and every plugin is stopped below. A second signal ends the host at
	// once: the plugins then die with it (the parent-death signal on Linux,
	// their parent watch elsewhere), ending their own processes first.
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	var got os.Signal
	caught := make(chan struct{})
	go func() {
		select {
		case got = <-sigs:
			signal.Stop(sigs)
			close(caught)
			cancel(fmt.Errorf("%v", got))
		case <-ctx.Done():
		}
	}()

	// Processes a plugin started and left orphaned come to this process
	// (Linux), to be ended below with the plugins.
	shared.AdoptOrphans()
	f := cli.NewFactory()
	err := cli.NewRootCmd(f).ExecuteContext(ctx)
	f.Close()           // stops every plugin process this host started
	shared.EndOrphans() // and whatever they left behind
	if errors.Is(err, cli.ErrWorkerStopped) {
		return 0 // a worker stopped by a signal, as asked
	}
	select {
	case <-caught:
		fmt.Fprintf(os.Stderr, "error: stopped by %v\n", got)
		var stopped *app.StoppedError
		if errors.As(err, &stopped) {
			fmt.Fprintln(os.Stderr, stopped.Kept)
		}
		if s, ok := got.(syscall.Signal); ok {
			return 128 + int(s)
		}
		return 1
	default:
	}
	if code, ok := cli.IsExitError(err); ok {
		return code
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		return 1
	}
	return 0
}
