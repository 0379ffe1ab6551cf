package twitteradssim

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/openintegrator/integrator/plugin/oauth1"
)

// principal is who signed a request.
type principal struct {
	creds    Credentials
	noAccess bool
	readOnly bool
}

// authenticator verifies OAuth 1.0a signatures the way the API does:
// HMAC-SHA1 only, a timestamp near the server's clock, no nonce twice.
type authenticator struct {
	byKey   map[string]map[string]*principal // consumer key, then token
	now     func() time.Time
	maxSkew time.Duration
	nonces  *nonceCache
}

func newAuthenticator(demo, noAccess Credentials, cfg config) (*authenticator, error) {
	a := &authenticator{
		byKey:   map[string]map[string]*principal{},
		now:     cfg.now,
		maxSkew: cfg.maxSkew,
		nonces:  newNonceCache(cfg.maxNonces, cfg.maxSkew),
	}
	add := func(c Credentials, p principal) error {
		if c.ConsumerKey == "" || c.ConsumerSecret == "" || c.AccessToken == "" || c.TokenSecret == "" {
			return fmt.Errorf("credentials need all four values")
		}
		if a.byKey[c.ConsumerKey] == nil {
			a.byKey[c.ConsumerKey] = map[string]*principal{}
		}
		if old := a.byKey[c.ConsumerKey][c.AccessToken]; old != nil {
			return fmt.Errorf("credentials for consumer key %s and the same access token given twice", c.ConsumerKey)
		}
		p.creds = c
		a.byKey[c.ConsumerKey][c.AccessToken] = &p
		return nil
	}
	if err := add(demo, principal{}); err != nil {
		return nil, err
	}
	if err := add(noAccess, principal{noAccess: true}); err != nil {
		return nil, err
	}
	for _, c := range cfg.extra {
		if err := add(c, principal{}); err != nil {
			return nil, err
		}
	}
	for _, c := range cfg.readOnly {
		if err := add(c, principal{readOnly: true}); err != nil {
			return nil, err
		}
	}
	return a, nil
}

var (
	errUnknownKey   = errors.New("unknown consumer key")
	errUnknownToken = errors.New("invalid or revoked access token")
)

func (a *authenticator) lookup(consumerKey, token string) (string, string, error) {
	tokens, ok := a.byKey[consumerKey]
	if !ok {
		return "", "", errUnknownKey
	}
	p, ok := tokens[token]
	if !ok {
		return "", "", errUnknownToken
	}
	return p.creds.ConsumerSecret, p.creds.TokenSecret, nil
}

func unauthorized(reason string) *httpError {
	return newError(http.StatusUnauthorized, CodeUnauthorizedAccess,
		"This request is not properly authenticated: %s", reason)
}

// check authenticates r. It must run before anything reads the body.
func (a *authenticator) check(r *http.Request) (*principal, *httpError) {
	v, err := oauth1.Verify(r, a.lookup)
	if err != nil {
		if ve := (*oauth1.VerifyError)(nil); errors.As(err, &ve) {
			return nil, unauthorized(ve.Reason) // never holds a secret
		}
		return nil, unauthorized(err.Error())
	}
	p := a.byKey[v.ConsumerKey][v.Token]
	if p == nil { // Verify succeeded, so lookup found it; be safe anyway
		return nil, unauthorized(errUnknownToken.Error())
	}
	if v.Method != oauth1.HMACSHA1 {
		return nil, unauthorized(fmt.Sprintf("signature method %s is not supported, use HMAC-SHA1", v.Method))
	}
	now := a.now()
	if d := now.Sub(v.Timestamp); d > a.maxSkew || d < -a.maxSkew {
		return nil, unauthorized(fmt.Sprintf("oauth_timestamp is %s away from the server's clock", d.Round(time.Second)))
	}
	if !a.nonces.add(v.ConsumerKey+"\x00"+v.Token+"\x00"+v.Nonce, v.Timestamp, now) {
		return nil, unauthorized("oauth_nonce was already used")
	}
	if p.noAccess {
		return nil, newError(http.StatusForbidden, CodeUnauthorizedClientApp,
			"The client application making this request does not have access to Twitter Ads API")
	}
	return p, nil
}

// nonceCache remembers nonces until their timestamp leaves the accepted
// window (after that a replay fails the timestamp check anyway). Memory
// is bounded: past max entries the oldest seconds are forgotten.
type nonceCache struct {
	mu        sync.Mutex
	max       int
	window    time.Duration
	seen      map[string]struct{}
	bySecond  map[int64][]string
	lastPrune int64
}

func newNonceCache(max int, window time.Duration) *nonceCache {
	return &nonceCache{max: max, window: window, seen: map[string]struct{}{}, bySecond: map[int64][]string{}}
}

// add records key for timestamp ts; false means it was seen before.
func (n *nonceCache) add(key string, ts, now time.Time) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if sec := now.Unix(); sec != n.lastPrune {
		n.lastPrune = sec
		cutoff := now.Add(-n.window).Unix() - 1
		for s, keys := range n.bySecond {
			if s < cutoff {
				n.forget(s, keys)
			}
		}
	}
	if _, dup := n.seen[key]; dup {
		return false
	}
	sec := ts.Unix()
	n.seen[key] = struct{}{}
	n.bySecond[sec] = append(n.bySecond[sec], key)
	if len(n.seen) > n.max {
		secs := make([]int64, 0, len(n.bySecond))
		for s := range n.bySecond {
			secs = append(secs, s)
		}
		slices.Sort(secs)
		for _, s := range secs {
			if len(n.seen) <= n.max || s == sec {
				break
			}
			n.forget(s, n.bySecond[s])
		}
	}
	return true
}

func (n *nonceCache) forget(sec int64, keys []string) {
	for _, k := range keys {
		delete(n.seen, k)
	}
	delete(n.bySecond, sec)
}
