package httpoauth1

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared/conformance"
)

// TestConformance runs the SDK's conformance suite on the connector as
// its plugin serves it (New), logging at trace level: every check must
// pass, its log included. The settings are the suite's generic ones (the
// first signature method, HMAC-SHA1, whose consumer secret the schema
// then requires) with every other secret the connector takes given a test
// value too: an access token, its token secret, and a secret entry of
// headers. Each call goes to the suite's own addresses.
func TestConformance(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	log := hclog.New(&hclog.LoggerOptions{Level: hclog.Trace, JSONFormat: true, Output: &lockedWriter{w: &logs, mu: &mu}})
	generic := conformance.GenericSample(nil)
	sample := func(spec schema.Spec, base string, secret func(string) string) schema.Config {
		cfg := generic(spec, base, secret)
		cfg[KeyAccessToken] = schema.StringValue(secret(KeyAccessToken))
		cfg[KeyTokenSecret] = schema.StringValue(secret(KeyTokenSecret))
		cfg[KeyHeaders] = schema.KeyValuesValue([]schema.KV{{Name: "X-Client", Value: "conformance"},
			{Name: "X-Api-Key", Value: secret(schema.EntryKey(KeyHeaders, "X-Api-Key")), Secret: true}})
		return cfg
	}
	r := conformance.Run(t, New(log), conformance.Options{Sample: sample, Log: func() string {
		mu.Lock()
		defer mu.Unlock()
		return logs.String()
	}})
	if len(r.Results) == 0 || !r.OK() {
		t.Fatalf("the suite did not pass: %+v", r.Failed())
	}
	// The suite did reach the connector's engine: its trace log shows a
	// request to the suite's test API.
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "conformance/ok") {
		t.Errorf("no request to the suite's test API in the log:\n%s", logs.String())
	}
}

// TestConformanceWithTheGenericSample: the suite passes with the settings
// it makes from the schema alone, as `integrator plugins check http` does
// without --set.
func TestConformanceWithTheGenericSample(t *testing.T) {
	if r := conformance.Run(t, New(nil), conformance.Options{}); !r.OK() {
		t.Fatalf("the suite did not pass: %+v", r.Failed())
	}
}

// lockedWriter serialises writes to w.
type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
