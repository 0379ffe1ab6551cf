package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/openintegrator/integrator/schema"
)

// silentDeadline is the longest deadline of the ping-deadline check's
// call: the check waits for it.
const silentDeadline = 2 * time.Second

// sample returns the sample settings for an API at base.
func (s *suite) sample(base string) schema.Config {
	return s.o.Sample(s.spec, base, s.canaries.of)
}

// checkSample: the settings the calls below use pass Validate.
func (s *suite) checkSample() error {
	if err := s.needSpec(); err != nil {
		return err
	}
	cfg := s.sample(Unreachable)
	ds, err := s.validate("Validate of the sample settings", cfg)
	switch {
	case errors.Is(err, errHung):
		return s.hung("Validate", s.o.timeout())
	case err != nil:
		return fmt.Errorf("Validate failed: %v; a problem with the settings is a diagnostic, an error means the connector itself failed", err)
	}
	var errs schema.Diagnostics
	for _, d := range ds {
		if d.Severity != schema.SeverityWarning {
			errs = append(errs, d)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("the settings made for a test API (%s) do not pass Validate: %s; give values for the settings the suite cannot guess (Options.Sample, or integrator plugins check --set KEY=VALUE)",
			describe(s.spec, cfg), summary(errs))
	}
	s.sampleOK = true
	return nil
}

// checkPingUnreachable: Ping of an API where nothing listens returns, in
// time, a result that is not ok and has an error diagnostic.
func (s *suite) checkPingUnreachable() error {
	if err := s.needSample(); err != nil {
		return err
	}
	d := s.o.timeout()
	res, err := s.ping("Ping of an unreachable API", s.sample(Unreachable), d)
	switch {
	case errors.Is(err, errHung):
		return s.hung("Ping of "+Unreachable, d)
	case err != nil:
		return fmt.Errorf("Ping of %s failed with an error (%v) instead of a result: an API that cannot be reached is an error diagnostic in the result; an error means the connector or the transport failed",
			Unreachable, err)
	case res.OK:
		return fmt.Errorf("Ping of %s, where nothing listens, reported success", Unreachable)
	}
	if _, ok := errorDiag(res.Diagnostics); !ok {
		return fmt.Errorf("Ping of %s failed without an error diagnostic that says why", Unreachable)
	}
	return nil
}

// checkPingDeadline: Ping of an API that accepts the connection and never
// answers returns by its deadline (with a result that is not ok, or the
// deadline's error), and the connector answers GetSchema afterwards.
func (s *suite) checkPingDeadline() error {
	if err := s.needSample(); err != nil {
		return err
	}
	d := min(s.o.timeout(), silentDeadline)
	start := time.Now()
	res, err := s.ping("Ping of an API that never answers", s.sample(s.srv.silentURL), d)
	switch {
	case errors.Is(err, errHung):
		return s.hung("Ping of an API that accepts connections but never answers", d)
	case err != nil && time.Since(start) < d:
		return fmt.Errorf("Ping of an API that never answers failed with an error before its deadline (%v): a connector reports what it could not reach as an error diagnostic", err)
	case err == nil && res.OK:
		return errors.New("Ping of an API that never answers reported success")
	}
	_, err = within(s, s.o.timeout(), func(ctx context.Context) (struct{}, error) {
		_, err := s.c.GetSchema(ctx)
		return struct{}{}, err
	})
	switch {
	case errors.Is(err, errHung):
		return errors.New("after a Ping that ended at its deadline, GetSchema did not answer: the connector is stuck")
	case err != nil:
		return fmt.Errorf("after a Ping that ended at its deadline, GetSchema failed: %v", err)
	}
	return nil
}

// checkForeignHost: with settings that name an API elsewhere, DoRequest
// of an absolute URL on a host of this machine answers with an error
// diagnostic and no status, and nothing reaches that host. With settings
// that name a loopback API (where a connector may allow other loopback
// ports, for a local simulator's second host), no secret reaches it.
func (s *suite) checkForeignHost() error {
	if err := s.needSample(); err != nil {
		return err
	}
	cfg := s.sample(Elsewhere)
	ds, err := s.validate("Validate of settings for an API elsewhere", cfg)
	switch _, bad := errorDiag(ds); {
	case errors.Is(err, errHung):
		return s.hung("Validate", s.o.timeout())
	case err != nil:
		return fmt.Errorf("Validate of settings for an API at %s failed: %v", Elsewhere, err)
	case bad:
		return fmt.Errorf("settings for an API at %s (%s) do not pass Validate: %s; the check needs settings that may name any https API",
			Elsewhere, describe(s.spec, cfg), summary(ds))
	}
	for _, u := range s.srv.foreignURLs() {
		a, err := s.doRequest("DoRequest of a foreign URL", cfg, requestTo(http.MethodGet, u))
		switch {
		case errors.Is(err, errHung):
			return s.hung("DoRequest of "+u, s.o.timeout())
		case s.srv.foreignHits.Load() > 0:
			return fmt.Errorf("DoRequest of %s, a host the settings (API at %s) do not name, reached that host: a connector refuses such a URL before it sends anything",
				u, Elsewhere)
		case err != nil:
			return fmt.Errorf("DoRequest of %s failed with an error (%v): a refused request is an error diagnostic in the response head", u, err)
		case a.head.Status != 0:
			return fmt.Errorf("DoRequest of %s answered status %d: a URL on a host the settings do not name must be refused, with status 0", u, a.head.Status)
		}
		if _, ok := errorDiag(a.head.Diagnostics); !ok {
			return fmt.Errorf("DoRequest of %s sent nothing but gave no error diagnostic that says why", u)
		}
	}
	u := s.srv.foreignURLs()[0]
	if _, err := s.doRequest("DoRequest of a loopback URL", s.sample(Unreachable), requestTo(http.MethodGet, u)); errors.Is(err, errHung) {
		return s.hung("DoRequest of "+u, s.o.timeout())
	}
	keys, values := s.canaries.all()
	sc := newScanner(keys, values)
	for _, req := range s.srv.requests() {
		if key, ok := sc.find(req); ok {
			return fmt.Errorf("DoRequest of %s, with settings for an API at %s, sent the value of %s to that other port: credentials go only to the API the settings name",
				u, Unreachable, key)
		}
	}
	return nil
}
