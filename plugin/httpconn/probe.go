package httpconn

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// Probe is the answer to a connection test's request (Engine.Probe),
// for the connector to judge.
type Probe struct {
	shared.ResponseHead
	// Body is the answer's first MaxErrorPeek bytes.
	Body []byte
	// Latency is the time the requests took, not the waits between them.
	Latency time.Duration
}

// Probe sends the request of a connection test (Ping). It waits only
// when an answer asks to come back later (a rate limit, an Unavailable
// answer), within o's timeout, maximum wait and attempts, and logs each
// wait as a warning, which the host shows; nothing else is retried, so a
// wrong base URI or a server error fails at once. An error is returned
// only when ctx ends.
func (e *Engine) Probe(ctx context.Context, o *Outgoing) (*Probe, error) {
	o.WaitOnly = true
	o.OnWait = func(w Wait) {
		why := fmt.Sprintf("%d (unavailable)", w.Status)
		if w.Reason == ReasonRateLimited {
			why = fmt.Sprintf("%d (rate limited)", w.Status)
		}
		e.log.Warn(fmt.Sprintf("connection test: the API answered %s; waiting %s, then trying again (attempt %d of %d)",
			why, w.Duration.Round(10*time.Millisecond), w.Attempt+1, o.MaxAttempts()))
	}
	start := time.Now()
	resp, err := e.Send(ctx, o)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorPeek))
	return &Probe{ResponseHead: resp.ResponseHead, Body: body, Latency: time.Since(start) - resp.Waited}, nil
}

// Facts are what every connection test reports: the latency and, after
// more than one attempt, the attempts and the time waited.
func (p *Probe) Facts() []shared.Fact {
	facts := []shared.Fact{{Key: "latency", Value: p.Latency.Round(time.Millisecond / 10).String()}}
	if p.Attempts > 1 {
		facts = append(facts, shared.Fact{Key: "attempts", Value: fmt.Sprintf("%d (waited %s in all)", p.Attempts, p.Waited.Round(10*time.Millisecond))})
	}
	return facts
}

// NoAnswer is what a connection test that got no answer reports: the
// diagnostics, those that point at the base URI (no such host, TLS, a
// refused or failed connection) tied to its setting, baseField.
func (p *Probe) NoAnswer(baseField string) schema.Diagnostics {
	out := make(schema.Diagnostics, 0, len(p.Diagnostics))
	for _, d := range p.Diagnostics {
		switch d.Code {
		case CodeDNSError, CodeTLSError, CodeConnectionRefused, CodeConnectionFailed:
			d.Field = baseField
		}
		out = append(out, d)
	}
	return out
}
