// Command integrator-connector-twitter-ads is the Twitter Ads connector plugin
// for the integrator host. It is started by the host, not by hand: put it in
// the host's plugin folder.
package main

import (
	"fmt"
	"os"

	"github.com/openintegrator/integrator/plugin/twitterads"
	"github.com/openintegrator/integrator/shared"
)

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "--version" || os.Args[1] == "-version") {
		fmt.Println(twitterads.Version)
		return
	}
	// The logger is created before Serve so that it writes to the real
	// stderr, which the host reads as hclog JSON.
	log := shared.NewPluginLogger(twitterads.TypeID)
	shared.Serve(twitterads.New(log), shared.WithLogger(log))
}
