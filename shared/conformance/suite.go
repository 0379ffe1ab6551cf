package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// suite is one run of the checks on one connector.
type suite struct {
	ctx    context.Context
	c      shared.Connector
	o      Options
	plugin *Plugin // nil for a connector in this process

	spec     schema.Spec
	specErr  error // GetSchema's failure; every check that needs the spec is not run
	sampleOK bool  // the sample settings passed Validate

	canaries *canaries
	heard    []heard // everything the connector said, for the leak check
	srv      *servers
	srvErr   error
	note     string // a passed check's note
}

// heard is one thing the connector said, and where.
type heard struct{ where, text string }

func newSuite(ctx context.Context, c shared.Connector, o Options, plugin *Plugin) *suite {
	if o.Sample == nil {
		o.Sample = GenericSample(nil)
	}
	s := &suite{ctx: ctx, c: c, o: o, plugin: plugin, canaries: newCanaries()}
	s.srv, s.srvErr = startServers()
	spec, err := within(s, s.o.timeout(), func(ctx context.Context) (schema.Spec, error) { return c.GetSchema(ctx) })
	switch {
	case errors.Is(err, errHung):
		s.specErr = s.hung("GetSchema", s.o.timeout())
	case err != nil:
		s.specErr = fmt.Errorf("GetSchema failed: %v", err)
	default:
		s.spec = spec
	}
	return s
}

func (s *suite) close() {
	if s.srv != nil {
		s.srv.close()
	}
}

// needSpec is the error of a check that needs the schema when GetSchema
// failed.
func (s *suite) needSpec() error {
	if s.specErr != nil {
		return fmt.Errorf("not run: %v", s.specErr)
	}
	return nil
}

// needServers is the error of a check that needs the suite's test servers
// when they could not be started.
func (s *suite) needServers() error {
	if s.srvErr != nil {
		return fmt.Errorf("not run: the suite could not serve its test addresses on this machine: %v", s.srvErr)
	}
	return nil
}

// needSample is the error of a check that calls with the sample settings
// when they do not pass Validate: its outcome would prove nothing.
func (s *suite) needSample() error {
	if err := s.needSpec(); err != nil {
		return err
	}
	if err := s.needServers(); err != nil {
		return err
	}
	if !s.sampleOK {
		return errors.New("not run: the sample settings do not pass Validate (see sample-settings)")
	}
	return nil
}

// grace is how long past its deadline a call may take to return before
// it counts as hung.
func grace(d time.Duration) time.Duration { return max(d, time.Second) }

// errHung is the error of a call that did not return in time.
var errHung = errors.New("the call did not return")

// within calls f with a context whose deadline is d from now and waits for
// it to return at most d plus grace. When it did not, the error is errHung:
// f is left running, and its result is dropped.
func within[T any](s *suite, d time.Duration, f func(ctx context.Context) (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ctx, cancel := context.WithTimeout(s.ctx, d)
	done := make(chan result, 1)
	go func() {
		defer cancel()
		v, err := f(ctx)
		done <- result{v, err}
	}()
	t := time.NewTimer(d + grace(d))
	defer t.Stop()
	var zero T
	select {
	case r := <-done:
		return r.v, r.err
	case <-t.C:
		return zero, errHung
	case <-s.ctx.Done():
		return zero, s.ctx.Err()
	}
}

// hung is the reason of a check whose call did not return.
func (s *suite) hung(call string, d time.Duration) error {
	return fmt.Errorf("%s did not return within %s of its %s deadline: a connector must return when its context ends", call, grace(d), d)
}

// answer is a DoRequest's head and the body read to its end (at most
// maxBody bytes).
type answer struct {
	head shared.ResponseHead
	body []byte
}

const maxBody = 1 << 20

// doRequest sends req with cfg and reads the whole body, all within the
// call's deadline; what the connector answered is heard.
func (s *suite) doRequest(where string, cfg schema.Config, req shared.Request) (answer, error) {
	d := s.o.timeout()
	req.Timeout, req.MaxAttempts = d, 1
	a, err := within(s, d, func(ctx context.Context) (answer, error) {
		resp, err := s.c.DoRequest(ctx, cfg, req)
		if err != nil {
			return answer{}, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		return answer{head: resp.ResponseHead, body: body}, err
	})
	if !errors.Is(err, errHung) {
		s.hearHead(where, a.head)
		s.hear(where+", the body", string(a.body))
		s.hearErr(where, err)
	}
	return a, err
}

// ping calls Ping with cfg within deadline d; what the connector answered
// is heard.
func (s *suite) ping(where string, cfg schema.Config, d time.Duration) (shared.PingResult, error) {
	res, err := within(s, d, func(ctx context.Context) (shared.PingResult, error) { return s.c.Ping(ctx, cfg) })
	if !errors.Is(err, errHung) {
		s.hearDiags(where, res.Diagnostics)
		for _, f := range res.Facts {
			s.hear(where+", fact "+f.Key, f.Key+" "+f.Value)
		}
		s.hearErr(where, err)
	}
	return res, err
}

// validate calls Validate with cfg; what the connector answered is heard.
func (s *suite) validate(where string, cfg schema.Config) (schema.Diagnostics, error) {
	ds, err := within(s, s.o.timeout(), func(ctx context.Context) (schema.Diagnostics, error) { return s.c.Validate(ctx, cfg) })
	if !errors.Is(err, errHung) {
		s.hearDiags(where, ds)
		s.hearErr(where, err)
	}
	return ds, err
}

func (s *suite) hear(where, text string) {
	if text != "" {
		s.heard = append(s.heard, heard{where, text})
	}
}

func (s *suite) hearErr(where string, err error) {
	if err != nil {
		s.hear(where+", its error", err.Error())
	}
}

func (s *suite) hearDiags(where string, ds schema.Diagnostics) {
	for _, d := range ds {
		s.hear(fmt.Sprintf("%s, diagnostic %s", where, d.Code), strings.Join([]string{d.Field, d.Code, d.Summary, d.Detail}, " "))
	}
}

func (s *suite) hearHead(where string, h shared.ResponseHead) {
	s.hearDiags(where, h.Diagnostics)
	for _, f := range h.Header {
		s.hear(where+", header "+f.Name, f.Name+": "+f.Value)
	}
	if h.RateLimit != nil {
		s.hear(where+", rate limit", h.RateLimit.Scope)
	}
}

// errorDiag returns the first error diagnostic (a severity other than a
// warning counts as an error).
func errorDiag(ds schema.Diagnostics) (schema.Diagnostic, bool) {
	for _, d := range ds {
		if d.Severity != schema.SeverityWarning {
			return d, true
		}
	}
	return schema.Diagnostic{}, false
}

// summary is diagnostics as one line.
func summary(ds schema.Diagnostics) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, d.Error())
	}
	return strings.Join(parts, "; ")
}
