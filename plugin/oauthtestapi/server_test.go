package oauthtestapi

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/plugin/oauth1"
)

func get(t *testing.T, s *Server, r *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServerRefusesWhatAStrictAPIRefuses: an unsigned request, a wrong
// secret, a missing API key and a nonce used twice are 401 with the
// reason; a good request is 200 and recorded.
func TestServerRefusesWhatAStrictAPIRefuses(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c := s.Credentials
	signed := func(cs string, nonce string, key bool) *http.Request {
		r, _ := http.NewRequest("GET", s.URL+"/v1/me", nil)
		if key {
			r.Header.Set("X-Api-Key", c.APIKey)
		}
		sg := &oauth1.Signer{ConsumerKey: c.ConsumerKey, ConsumerSecret: cs, Token: c.AccessToken, TokenSecret: c.TokenSecret}
		if nonce != "" {
			sg.Nonce = func() string { return nonce }
		}
		if err := sg.Sign(r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	unsigned, _ := http.NewRequest("GET", s.URL+"/v1/me", nil)
	for _, tt := range []struct {
		name string
		r    *http.Request
		want int
		why  string
	}{
		{"unsigned", unsigned, 401, "no OAuth Authorization header"},
		{"a wrong secret", signed("nope", "", true), 401, "signature does not match"},
		{"no API key", signed(c.ConsumerSecret, "", false), 401, "X-Api-Key"},
		{"good", signed(c.ConsumerSecret, "n1", true), 200, `"ok":true`},
		{"the nonce again", signed(c.ConsumerSecret, "n1", true), 401, "oauth_nonce was used before"},
	} {
		if st, body := get(t, s, tt.r); st != tt.want || !strings.Contains(body, tt.why) {
			t.Errorf("%s: %d %s", tt.name, st, body)
		}
	}
	if n := len(s.Requests()); n != 1 {
		t.Errorf("%d requests recorded, want the good one", n)
	}
}

// TestLimitedBudget: once the budget is spent every answer is 420 until
// the reset, then it is whole again.
func TestLimitedBudget(t *testing.T) {
	s := NewServer(WithBudget(2))
	defer s.Close()
	var got []bool
	for range 4 {
		_, limited := s.spend()
		got = append(got, limited)
	}
	if want := []bool{false, false, true, true}; !slices.Equal(got, want) {
		t.Errorf("limited %v, want %v", got, want)
	}
	s.mu.Lock()
	s.resetAt = s.resetAt.Add(-3 * time.Second) // as if the reset passed
	s.mu.Unlock()
	if _, limited := s.spend(); limited {
		t.Error("still limited after the reset")
	}
}
