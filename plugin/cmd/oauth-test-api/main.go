// Command oauth-test-api runs the OAuth 1.0 test API (plugin/oauthtestapi)
// as a process, for end-to-end tests of the http connector.
//
// It prints one JSON line on stdout with its URL and credentials (test
// values: the RSA private key too), then serves until SIGINT or SIGTERM.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/openintegrator/integrator/plugin/oauthtestapi"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("oauth-test-api", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "`address` to listen on; port 0 picks a free port")
	items := fs.Int("items", 57, "items in the lists")
	budget := fs.Int("budget", 3, "requests items/limited answers between resets")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	srv, err := oauthtestapi.Start(*addr, oauthtestapi.WithItems(*items), oauthtestapi.WithBudget(*budget))
	if err != nil {
		fmt.Fprintf(stderr, "oauth-test-api: %v\n", err)
		return 1
	}
	defer srv.Close()
	line, _ := json.Marshal(srv.Ready())
	fmt.Fprintf(stdout, "%s\n", line)
	<-ctx.Done()
	return 0
}
