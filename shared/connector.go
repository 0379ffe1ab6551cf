package shared

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/openintegrator/integrator/schema"
)

// Connector is what a plugin implements and what a host calls.
//
// Every method reports problems with the settings or the remote system as
// diagnostics in its result. A returned error means the call itself failed
// (on the host side: the plugin crashed or the transport broke).
type Connector interface {
	// GetSchema describes the connector and the settings it needs.
	GetSchema(ctx context.Context) (schema.Spec, error)
	// Validate checks settings locally, without touching the network, and
	// returns every problem at once.
	Validate(ctx context.Context, cfg schema.Config) (schema.Diagnostics, error)
	// Ping tests the settings against the remote system.
	Ping(ctx context.Context, cfg schema.Config) (PingResult, error)
	// DoRequest sends one request to the remote API. The caller must close
	// the returned Response's Body.
	DoRequest(ctx context.Context, cfg schema.Config, req Request) (*Response, error)
}

// MaxRequestBody is the largest request body DoRequest carries.
const MaxRequestBody = 32 << 20

// PingResult is the outcome of a connection test.
type PingResult struct {
	OK          bool
	Diagnostics schema.Diagnostics
	Latency     time.Duration
	Facts       []Fact // connector-specific, in display order
}

// Fact is one named observation of a connection test, such as the API version.
type Fact struct{ Key, Value string }

// Param is one query parameter; a Request keeps repeated keys in order.
type Param struct{ Key, Value string }

// Header is one HTTP header field.
type Header struct{ Name, Value string }

// Request is one API request for DoRequest.
type Request struct {
	Method      string
	URL         string // a path relative to the connection's base URI, or an absolute URL
	Query       []Param
	Header      []Header
	Body        []byte // at most MaxRequestBody
	Timeout     time.Duration
	MaxAttempts int           // 0: the connector's default
	MaxWait     time.Duration // total time spent waiting between attempts; 0: the connector's default
}

// RateLimit is the rate-limit state reported by the remote API.
type RateLimit struct {
	Scope     string // which budget the numbers describe, e.g. "account" or "user"
	Limit     int64
	Remaining int64
	Reset     time.Time
}

// ResponseHead is everything about a response but its body.
type ResponseHead struct {
	Status      int // 0 when no HTTP response was received; Diagnostics say why
	Header      []Header
	Attempts    int
	Waited      time.Duration
	RateLimit   *RateLimit
	Diagnostics schema.Diagnostics
	// Budgets are every budget the answer reports, in the connector's
	// order of preference (RateLimit is the one it reports first): a
	// request may spend several at once, as a GET under an X ads account
	// spends the account's and the user's. A host that shares budgets
	// among processes keeps a count of each.
	Budgets []RateLimit
}

// CodeRateLimited is the diagnostic code of an answer that means the
// API's rate limit is spent, whatever its HTTP status (429, or the API's
// own, such as 420), when the connector did not wait it out (its reset
// was past the request's deadline or maximum wait, or its attempts were
// spent). The API did not process the request. A host sends it again
// once RateLimit.Reset (or Retry-After) has passed, and holds back its
// other requests until then.
const CodeRateLimited = "rate_limited"

// HeaderValue returns the first value of the named header, matched without
// regard to case.
func (h ResponseHead) HeaderValue(name string) string {
	for _, f := range h.Header {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Response is the result of DoRequest: a head, then a body streamed in
// chunks. Body is never nil; close it when done.
type Response struct {
	ResponseHead
	Body io.ReadCloser
}
