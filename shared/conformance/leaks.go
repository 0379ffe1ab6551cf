package conformance

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// requestTo is a request without a body.
func requestTo(method, url string) shared.Request { return shared.Request{Method: method, URL: url} }

// checkNoLeak calls the connector where a careless one would repeat a
// secret (Validate of secrets alone and of secrets with stray spaces, Ping
// and DoRequest of the suite's test API, which refuses them), then looks
// for every secret's canary, as it is and base64-encoded, in everything
// the connector said during the whole suite and in its log.
func (s *suite) checkNoLeak() error {
	if err := s.needSpec(); err != nil {
		return err
	}
	var calls []error
	secretsOnly, spaced := schema.Config{}, s.sample(Unreachable)
	for _, f := range s.spec.Fields {
		if f.Secret && (f.Kind == schema.KindString || f.Kind == schema.KindText) {
			secretsOnly[f.Key] = schema.StringValue(s.canaries.of(f.Key))
			spaced[f.Key] = schema.StringValue(s.canaries.of(f.Key) + " ")
		}
	}
	_, err := s.validate("Validate of secrets alone", secretsOnly)
	calls = append(calls, err)
	_, err = s.validate("Validate of secrets with a trailing space", spaced)
	calls = append(calls, err)
	if s.needServers() == nil && s.sampleOK {
		cfg := s.sample(s.srv.apiURL)
		_, err = s.ping("Ping of the test API", cfg, s.o.timeout())
		calls = append(calls, err)
		for _, path := range []string{"conformance/ok", "conformance/denied"} {
			_, err = s.doRequest("DoRequest of "+path, cfg, requestTo(http.MethodGet, path))
			calls = append(calls, err)
		}
	}
	for _, err := range calls {
		if errors.Is(err, errHung) {
			s.note = "a call did not return in time (see the checks above), so what it would have said was not checked"
		}
	}

	keys, values := s.canaries.all()
	sc := newScanner(keys, values)
	var found []string
	for _, h := range s.heard {
		if key, ok := sc.find(h.text); ok {
			found = append(found, fmt.Sprintf("%s holds the value of %s: %q", h.where, key, clip(sc.hide(h.text))))
		}
	}
	if s.o.Log == nil {
		s.note = strings.TrimPrefix(s.note+"; its log was not checked: no log was given", "; ")
	} else {
		for _, line := range strings.Split(s.o.Log(), "\n") {
			if key, ok := sc.find(line); ok {
				found = append(found, fmt.Sprintf("a log line holds the value of %s: %q", key, clip(sc.hide(line))))
			}
		}
	}
	switch {
	case len(found) == 0:
		return nil
	case len(found) > 2:
		found = append(found[:2], fmt.Sprintf("and %d more", len(found)-2))
	}
	return fmt.Errorf("secret values were given to the connector and it repeated them: %s (a secret is never shown, logged or echoed, at any log level)",
		strings.Join(found, "; "))
}

// clip shortens a long text for a message.
func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

// scanner finds canaries in text, as they are or base64-encoded (as in a
// Basic Authorization header) at any alignment.
type scanner struct {
	keys  []string
	forms [][]string // per key: the canary and its encoded forms
}

func newScanner(keys, values []string) *scanner {
	sc := &scanner{keys: keys}
	for _, v := range values {
		forms := []string{v}
		// Inside a longer text, a value's base64 form depends on where it
		// starts; from its first whole 3-byte group on, it is one of these.
		for skip := range 3 {
			part := v[skip:]
			part = part[:len(part)/3*3]
			forms = append(forms, base64.StdEncoding.EncodeToString([]byte(part)), base64.URLEncoding.EncodeToString([]byte(part)))
		}
		sc.forms = append(sc.forms, forms)
	}
	return sc
}

// find returns the key whose canary text holds.
func (sc *scanner) find(text string) (string, bool) {
	for i, forms := range sc.forms {
		for _, f := range forms {
			if strings.Contains(text, f) {
				return sc.keys[i], true
			}
		}
	}
	return "", false
}

// hide replaces each canary in text by the name of its key.
func (sc *scanner) hide(text string) string {
	for i, forms := range sc.forms {
		for _, f := range forms {
			text = strings.ReplaceAll(text, f, "<"+sc.keys[i]+">")
		}
	}
	return text
}
