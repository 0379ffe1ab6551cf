package twitterads

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/shared/conformance"
)

// TestConformance runs the SDK's conformance suite on the connector as
// its plugin serves it (New), logging at trace level: every check must
// pass, its log included. Nothing of the suite's is tailored to the X Ads
// API: the settings come from the schema (consumer_key is public by the
// suite's default list), and each call goes to the suite's own addresses.
func TestConformance(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	log := hclog.New(&hclog.LoggerOptions{Level: hclog.Trace, JSONFormat: true, Output: &lockedWriter{w: &logs, mu: &mu}})
	r := conformance.Run(t, New(log), conformance.Options{Log: func() string {
		mu.Lock()
		defer mu.Unlock()
		return logs.String()
	}})
	if len(r.Results) == 0 || !r.OK() {
		t.Fatalf("the suite did not pass: %+v", r.Failed())
	}
	// The suite did reach the connector's engine: its trace log shows the
	// requests to the suite's test API.
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "/12/conformance/ok") {
		t.Errorf("no request to the suite's test API in the log:\n%s", logs.String())
	}
}
