package twitteradssim

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/plugin/oauth1"
)

var fuzzClock = time.Unix(1_700_000_000, 0)

// fuzzAuthenticator returns a fresh authenticator (an empty nonce cache)
// with a fixed clock, and the credentials it accepts.
func fuzzAuthenticator(t *testing.T) (*authenticator, Credentials, Credentials) {
	cfg := defaultConfig()
	cfg.now = func() time.Time { return fuzzClock }
	cfg.maxNonces = 16
	demo, noAccess := demoCredentials(1, "demo"), demoCredentials(1, "no-access")
	a, err := newAuthenticator(demo, noAccess, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a, demo, noAccess
}

func fuzzRequest() *http.Request {
	r, _ := http.NewRequest("GET", "https://ads-api.x.com/12/accounts/18ce54d4x5t/campaigns?count=5&with_deleted=true", nil)
	return r
}

// signedHeader is the Authorization header the demo credentials give
// fuzzRequest at the fixed clock.
func signedHeader(t *testing.T, c Credentials) string {
	r := fuzzRequest()
	s := &oauth1.Signer{ConsumerKey: c.ConsumerKey, ConsumerSecret: c.ConsumerSecret, Token: c.AccessToken, TokenSecret: c.TokenSecret,
		Nonce: func() string { return "f1a2b3c4d5e6" }, Now: func() time.Time { return fuzzClock }}
	if err := s.Sign(r); err != nil {
		t.Fatal(err)
	}
	return r.Header.Get("Authorization")
}

// checkOutcome holds for every Authorization header: the authenticator
// answers, without panicking, either the demo principal (and then the
// header named exactly the demo key, token, nonce and timestamp: nothing
// the signature covers can be smuggled past it) or a 401
// UNAUTHORIZED_ACCESS whose message holds no secret.
func checkOutcome(t *testing.T, a *authenticator, demo, noAccess Credentials, header string) bool {
	t.Helper()
	r := fuzzRequest()
	r.Header.Set("Authorization", header)
	p, herr := a.check(r)
	if p != nil {
		if p.creds != demo {
			t.Fatalf("header %q authenticated as %q", header, p.creds.ConsumerKey)
		}
		v, err := oauth1.Verify(r, a.lookup)
		if err != nil || v.ConsumerKey != demo.ConsumerKey || v.Token != demo.AccessToken || v.Nonce != "f1a2b3c4d5e6" ||
			!v.Timestamp.Equal(fuzzClock) || v.Method != oauth1.HMACSHA1 {
			t.Fatalf("header %q authenticated with other parameters: %+v %v", header, v, err)
		}
		return true
	}
	if herr == nil {
		t.Fatalf("header %q: neither a principal nor an error", header)
	}
	if herr.status != http.StatusUnauthorized || len(herr.errs) != 1 || herr.errs[0].Code != CodeUnauthorizedAccess {
		t.Fatalf("header %q: %v, want 401 %s", header, herr, CodeUnauthorizedAccess)
	}
	for _, secret := range []string{demo.ConsumerSecret, demo.TokenSecret, noAccess.ConsumerSecret, noAccess.TokenSecret} {
		if strings.Contains(herr.errs[0].Message, secret) {
			t.Fatalf("header %q: the error message holds a secret: %q", header, herr.errs[0].Message)
		}
	}
	return false
}

// FuzzAuthorizationHeader feeds the simulator's authenticator arbitrary
// Authorization headers, and edits of a validly signed one. Any header:
// checkOutcome. Edits that RFC 5849 §3.5.1 says change nothing (optional
// whitespace around the commas, another parameter order, the scheme name
// in another case) must still authenticate. Arbitrary edits (an insertion,
// a deletion) may or may not, but may never change who is authenticated
// or with which nonce and timestamp.
func FuzzAuthorizationHeader(f *testing.F) {
	f.Add(`OAuth oauth_consumer_key="k", oauth_nonce="n", oauth_signature="s", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1700000000", oauth_token="t", oauth_version="1.0"`, uint8(0), uint16(0), "")
	f.Add(`OAuth realm="Ads \"API\"",oauth_consumer_key="a%20b"`, uint8(1), uint16(7), "x")
	f.Add(`Basic dXNlcjpwYXNz`, uint8(2), uint16(3), " \t")
	f.Add(`OAuth oauth_consumer_key="k", oauth_consumer_key="k2"`, uint8(3), uint16(2), "")
	f.Add(`oauth   `, uint8(4), uint16(40), `", oauth_token="`)
	f.Add("OAuth a=\"\\", uint8(5), uint16(9), ",,,")
	f.Add(`OAuth oauth_signature="%zz"`, uint8(0), uint16(100), `oauth_nonce="x",`)
	f.Fuzz(func(t *testing.T, raw string, op uint8, pos uint16, text string) {
		a, demo, noAccess := fuzzAuthenticator(t)
		checkOutcome(t, a, demo, noAccess, raw)

		signed := signedHeader(t, demo)
		a, _, _ = fuzzAuthenticator(t) // a fresh nonce cache
		var edited string
		mustPass := true
		switch op % 6 {
		case 0, 1: // optional whitespace after or before a comma
			ws := strings.Map(func(r rune) rune {
				if r%2 == 0 {
					return ' '
				}
				return '\t'
			}, text)
			if len(ws) > 8 {
				ws = ws[:8]
			}
			commas := strings.Count(signed, ",")
			k := int(pos) % commas
			i := nthIndex(signed, ",", k)
			if op%6 == 1 {
				edited = signed[:i] + ws + signed[i:]
			} else {
				edited = signed[:i+1] + ws + signed[i+1:]
			}
		case 2: // another parameter order
			params := strings.Split(strings.TrimPrefix(signed, "OAuth "), ", ")
			k := int(pos) % len(params)
			edited = "OAuth " + strings.Join(append(params[k:], params[:k]...), ", ")
		case 3: // the scheme name in another case
			scheme := []byte("OAuth")
			for i := range scheme {
				if pos&(1<<i) != 0 {
					scheme[i] ^= 0x20
				}
			}
			edited = string(scheme) + strings.TrimPrefix(signed, "OAuth")
		case 4: // an insertion
			i := int(pos) % (len(signed) + 1)
			edited, mustPass = signed[:i]+text+signed[i:], false
		case 5: // a deletion
			i := int(pos) % len(signed)
			j := min(len(signed), i+1+len(text)%32)
			edited, mustPass = signed[:i]+signed[j:], false
		}
		if ok := checkOutcome(t, a, demo, noAccess, edited); mustPass && !ok {
			t.Fatalf("an edit that changes nothing was refused:\n%q\nfrom\n%q", edited, signed)
		}
	})
}

// nthIndex returns the index of the k-th (from 0) sep in s.
func nthIndex(s, sep string, k int) int {
	off := 0
	for {
		i := strings.Index(s[off:], sep)
		if k == 0 {
			return off + i
		}
		off += i + len(sep)
		k--
	}
}
