package oauth1

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

const form = "application/x-www-form-urlencoded"

// TestPlacements signs one request with the protocol parameters in each
// place (RFC 5849 §3.5): the base string and signature are the same, the
// parameters are where they were asked for and nowhere else, and a server
// verifies the request as it reads it off the wire.
func TestPlacements(t *testing.T) {
	const url = "https://h.example/p?a=1+2&b=%21"
	newReq := func() *http.Request {
		r, _ := http.NewRequest("POST", url, strings.NewReader("c=3&d=%E2%98%83"))
		r.Header.Set("Content-Type", form)
		return r
	}
	ref := newReq()
	if err := testSigner().Sign(ref); err != nil {
		t.Fatal(err)
	}
	refBS, _ := BaseString(ref)
	refSig := authParams(t, ref)["oauth_signature"]
	const params = "oauth_consumer_key=ck&oauth_nonce=n0nce&oauth_signature=" + "%s" +
		"&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1700000000&oauth_token=tok&oauth_version=1.0"
	wantParams := strings.Replace(params, "%s", string(appendEncoded(nil, refSig)), 1)

	for _, c := range []struct {
		place           Placement
		wantQuery, body string
	}{
		{InQuery, "a=1+2&b=%21&" + wantParams, "c=3&d=%E2%98%83"},
		{InBody, "a=1+2&b=%21", "c=3&d=%E2%98%83&" + wantParams},
	} {
		t.Run(c.place.String(), func(t *testing.T) {
			r := newReq()
			r.Header.Set("Authorization", `OAuth oauth_consumer_key="stale"`) // from an earlier signing
			s := testSigner()
			s.Placement = c.place
			if err := s.Sign(r); err != nil {
				t.Fatal(err)
			}
			if got := r.URL.RawQuery; got != c.wantQuery {
				t.Errorf("query:\n got %s\nwant %s", got, c.wantQuery)
			}
			if h := r.Header.Values("Authorization"); len(h) != 0 {
				t.Errorf("Authorization header %q left", h)
			}
			rc, _ := r.GetBody()
			if got := readAll(t, rc); got != c.body {
				t.Errorf("GetBody:\n got %s\nwant %s", got, c.body)
			}
			if r.ContentLength != int64(len(c.body)) {
				t.Errorf("ContentLength %d, want %d", r.ContentLength, len(c.body))
			}
			if bs, err := BaseString(r); err != nil || bs != refBS {
				t.Errorf("base string %v:\n got %s\nwant %s", err, bs, refBS)
			}
			if got := sentParams(t, r)["oauth_signature"]; got != refSig {
				t.Errorf("signature %s, want %s as in the header", got, refSig)
			}
			sr := serverSide(t, r)
			v, err := Verify(sr, secrets("ck", "tok", "cs", "ts"))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if v.Nonce != "n0nce" || v.Token != "tok" {
				t.Errorf("Verified = %+v", v)
			}
			if got := readAll(t, sr.Body); got != c.body {
				t.Errorf("body after Verify = %q", got)
			}
		})
	}
}

// TestPlacementSignAgain: a retry signs the same request again, with a new
// nonce; the query or body then holds one set of protocol parameters, the
// new one, and the request's own parameters, oauth_-prefixed or not.
func TestPlacementSignAgain(t *testing.T) {
	for _, place := range []Placement{InQuery, InBody} {
		t.Run(place.String(), func(t *testing.T) {
			r, _ := http.NewRequest("POST", "https://h.example/p?q=1&oauth_custom=x", strings.NewReader("b=2"))
			r.Header.Set("Content-Type", form)
			s := testSigner()
			s.Placement = place
			s.BodyHash = true // not sent: the body is a form
			for _, nonce := range []string{"first", "second"} {
				s.Nonce = func() string { return nonce }
				if err := s.Sign(r); err != nil {
					t.Fatal(err)
				}
			}
			rc, _ := r.GetBody()
			sent := r.URL.RawQuery + "&" + readAll(t, rc)
			if n := strings.Count(sent, "oauth_nonce="); n != 1 || !strings.Contains(sent, "oauth_nonce=second") {
				t.Errorf("query and body %q: want one oauth_nonce, the second", sent)
			}
			for _, p := range []string{"q=1", "oauth_custom=x", "b=2"} {
				if !strings.Contains(sent, p) {
					t.Errorf("query and body %q lost %s", sent, p)
				}
			}
			if strings.Contains(sent, "oauth_body_hash") {
				t.Errorf("oauth_body_hash sent with a form body: %s", sent)
			}
			if _, err := Verify(serverSide(t, r), secrets("ck", "tok", "cs", "ts")); err != nil {
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}

// TestPlacementErrors: bad combinations are refused before anything
// changes in the request.
func TestPlacementErrors(t *testing.T) {
	for _, c := range []struct {
		name        string
		contentType string
		signer      func(*Signer)
		wantErr     string
	}{
		{"InBody with a JSON body", "application/json", func(s *Signer) { s.Placement = InBody },
			"InBody needs a form body: set Content-Type: application/x-www-form-urlencoded, or use InHeader or InQuery"},
		{"InBody without Content-Type", "", func(s *Signer) { s.Placement = InBody }, "InBody needs a form body"},
		{"realm in the query", form, func(s *Signer) { s.Placement = InQuery; s.Realm = "Photos" },
			"a realm is sent only in the Authorization header (RFC 5849 §3.5.1): leave Realm empty or use InHeader"},
		{"realm in the body", form, func(s *Signer) { s.Placement = InBody; s.Realm = "Photos" }, "a realm is sent only in the Authorization header"},
		{"unknown placement", form, func(s *Signer) { s.Placement = 7 }, "unknown Placement 7: use InHeader, InBody or InQuery"},
		{"bad escape in the query", form, func(s *Signer) { s.Placement = InQuery }, "invalid percent-escape"},
	} {
		t.Run(c.name, func(t *testing.T) {
			const body = "a=1"
			r, _ := http.NewRequest("POST", "https://h.example/p?q=1", strings.NewReader(body))
			if c.name == "bad escape in the query" {
				r.URL.RawQuery = "q=%zz"
			}
			if c.contentType != "" {
				r.Header.Set("Content-Type", c.contentType)
			}
			rawQuery := r.URL.RawQuery
			s := testSigner()
			c.signer(s)
			err := s.Sign(r)
			if err == nil || !strings.HasPrefix(err.Error(), "oauth1: ") || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("Sign: %v, want an error containing %q", err, c.wantErr)
			}
			if r.URL.RawQuery != rawQuery || r.Header.Get("Authorization") != "" {
				t.Errorf("request changed: query %q, header %q", r.URL.RawQuery, r.Header.Get("Authorization"))
			}
			if got := readAll(t, r.Body); got != body {
				t.Errorf("body %q, want %q", got, body)
			}
		})
	}
}

// TestVerifyPlacedParams covers the server side of InQuery and InBody:
// protocol parameters are found in the query and form body, once each.
func TestVerifyPlacedParams(t *testing.T) {
	signed := func(t *testing.T, place Placement) *http.Request {
		return serverRequest(t, "POST", "http://api.example/p?a=1", form, "b=2", func(s *Signer) { s.Placement = place })
	}
	t.Run("a protocol parameter in both", func(t *testing.T) {
		r := signed(t, InQuery)
		r.Body = io.NopCloser(strings.NewReader("b=2&oauth_nonce=other"))
		_, err := Verify(r, testLookup())
		if err == nil || !strings.Contains(err.Error(), `parameter "oauth_nonce" appears twice in the query and form body`) {
			t.Fatalf("Verify: %v", err)
		}
	})
	t.Run("query altered", func(t *testing.T) {
		r := signed(t, InBody)
		r.URL.RawQuery = "a=2"
		_, err := Verify(r, testLookup())
		if err == nil || !strings.Contains(err.Error(), "signature does not match") {
			t.Fatalf("Verify: %v", err)
		}
	})
	t.Run("signature removed", func(t *testing.T) {
		r := signed(t, InQuery)
		r.URL.RawQuery = withoutParam(r.URL.RawQuery, "oauth_signature")
		_, err := Verify(r, testLookup())
		if err == nil || !strings.Contains(err.Error(), "request has no oauth_signature") {
			t.Fatalf("Verify: %v", err)
		}
	})
	t.Run("no OAuth parameters anywhere", func(t *testing.T) {
		r := serverRequest(t, "POST", "http://api.example/p?a=1", form, "b=2", nil)
		r.Header.Del("Authorization")
		_, err := Verify(r, testLookup())
		var ve *VerifyError
		if !errors.As(err, &ve) || !strings.Contains(ve.Reason, "no OAuth Authorization header, nor oauth_ parameters in its query or form body") {
			t.Fatalf("Verify: %v", err)
		}
	})
}

func withoutParam(query, name string) string {
	var kept []string
	for _, p := range strings.Split(query, "&") {
		if !strings.HasPrefix(p, name+"=") {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "&")
}

func TestWithoutSignerParams(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"a=1", "a=1"},
		{"oauth_nonce=1", ""},
		{"a=1&oauth_nonce=1", "a=1"},
		{"oauth_nonce=1&a=1", "a=1"},
		{"a=1&oauth_nonce=1&b=2&oauth_signature=x%3D&c", "a=1&b=2&c"},
		{"oauth%5Fnonce=1&a=1", "a=1"},                   // the name decoded
		{"oauth_custom=1&oauth_nonce", "oauth_custom=1"}, // only the names Sign sends
		{"a&&oauth_token=t&&b", "a&b"},
		{"oauth_nonce%zz=1&a", "oauth_nonce%zz=1&a"}, // does not decode: left to signing to report
		{"realm=r&oauth_version=1.0", "realm=r"},
	} {
		if got := withoutSignerParams(c.in); got != c.want {
			t.Errorf("withoutSignerParams(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := string(withoutSignerParams([]byte(c.in))); got != c.want {
			t.Errorf("withoutSignerParams([]byte(%q)) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestPlacementDropsStaleParams: with InQuery or InBody, protocol
// parameters already in the query or form body (from an earlier signing in
// the other place, or put there by hand) are dropped from both, so that a
// server finds each once.
func TestPlacementDropsStaleParams(t *testing.T) {
	for _, c := range []struct {
		place               Placement
		query, body         string
		wantQuery, wantBody string
	}{
		{InQuery, "a=1", "b=2&oauth_signature=old&oauth_nonce=x", "a=1&oauth_consumer_key=", "b=2"},
		{InBody, "a=1&oauth_token=old", "b=2", "a=1", "b=2&oauth_consumer_key="},
	} {
		t.Run(c.place.String(), func(t *testing.T) {
			r, _ := http.NewRequest("POST", "https://h.example/p?"+c.query, strings.NewReader(c.body))
			r.Header.Set("Content-Type", form)
			s := testSigner()
			s.Placement = c.place
			if err := s.Sign(r); err != nil {
				t.Fatal(err)
			}
			body := readAll(t, r.Body)
			if !strings.HasPrefix(r.URL.RawQuery, c.wantQuery) || !strings.HasPrefix(body, c.wantBody) {
				t.Errorf("query %q, body %q; want them to begin %q and %q", r.URL.RawQuery, body, c.wantQuery, c.wantBody)
			}
			if n := strings.Count(r.URL.RawQuery+"&"+body, "oauth_"); n != 7 {
				t.Errorf("%d oauth_ parameters in %q and %q, want 7", n, r.URL.RawQuery, body)
			}
			if rc, _ := r.GetBody(); readAll(t, rc) != body || r.ContentLength != int64(len(body)) {
				t.Errorf("GetBody or ContentLength does not match the body")
			}
			r.Body, _ = r.GetBody()
			if _, err := Verify(serverSide(t, r), secrets("ck", "tok", "cs", "ts")); err != nil {
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}

// TestVerifyReceivedPlacements verifies requests as a server receives them
// with the protocol parameters in the query (RFC 5849 §3.5.3) and in the
// form body (§3.5.2); the signature was computed independently (Python
// hmac over the RFC's base string).
func TestVerifyReceivedPlacements(t *testing.T) {
	const (
		sig    = "5r2qwvQ%2BNhLi6LSomcSlo%2FBs69M%3D"
		params = "oauth_consumer_key=ck&oauth_nonce=n0nce&oauth_signature=" + sig +
			"&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1700000000&oauth_token=tok&oauth_version=1.0"
		wantBS = "POST&http%3A%2F%2Fapi.example%2Fp&a%3D1%26b%3D2%26oauth_consumer_key%3Dck%26oauth_nonce%3Dn0nce" +
			"%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1700000000%26oauth_token%3Dtok%26oauth_version%3D1.0"
	)
	for name, raw := range map[string]string{
		"query": "POST /p?a=1&" + params + " HTTP/1.1\r\nHost: api.example\r\nContent-Length: 3\r\n" +
			"Content-Type: application/x-www-form-urlencoded\r\n\r\nb=2",
		"form body": "POST /p?a=1 HTTP/1.1\r\nHost: api.example\r\nContent-Length: " + fmt.Sprint(4+len(params)) + "\r\n" +
			"Content-Type: application/x-www-form-urlencoded\r\n\r\nb=2&" + params,
	} {
		t.Run(name, func(t *testing.T) {
			r := readRequest(t, raw, false)
			if bs, err := BaseString(r); err != nil || bs != wantBS {
				t.Errorf("BaseString = %q, %v; want %q", bs, err, wantBS)
			}
			v, err := Verify(r, testLookup())
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if v.ConsumerKey != "ck" || v.Token != "tok" || v.Nonce != "n0nce" || v.Timestamp.Unix() != 1700000000 || v.Method != HMACSHA1 {
				t.Errorf("Verified = %+v", v)
			}
			r = readRequest(t, strings.Replace(raw, "a=1", "a=2", 1), false)
			if _, err := Verify(r, testLookup()); err == nil || !strings.Contains(err.Error(), "signature does not match") {
				t.Errorf("Verify of an altered request: %v", err)
			}
		})
	}
}
