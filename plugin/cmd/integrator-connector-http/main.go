// Command integrator-connector-http is the universal OAuth 1.0 HTTP
// connector plugin (type http) for the integrator host. It is started by
// the host, not by hand: put it in the host's plugin folder.
package main

import (
	"fmt"
	"os"

	"github.com/openintegrator/integrator/plugin/httpoauth1"
	"github.com/openintegrator/integrator/shared"
)

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "--version" || os.Args[1] == "-version") {
		fmt.Println(httpoauth1.Version)
		return
	}
	// The logger is created before Serve so that it writes to the real
	// stderr, which the host reads as hclog JSON.
	log := shared.NewPluginLogger(httpoauth1.TypeID)
	shared.Serve(httpoauth1.New(log), shared.WithLogger(log))
}
