package oauth1

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

var fuzzContentTypes = []string{
	"",
	"application/x-www-form-urlencoded",
	"application/x-www-form-urlencoded; charset=utf-8",
	"application/json",
}

var fuzzMethods = []Method{"", HMACSHA1, HMACSHA256, HMACSHA512, Plaintext, RSASHA1, RSASHA256, RSASHA512}

// FuzzSignVerify signs arbitrary requests, with every method and
// placement (ctype picks both the Content-Type and the placement), and
// checks that what Sign sends verifies, both as the client holds the
// request and as a server reads it off the wire; that the base string has
// exactly two raw "&" and a parameter part of unreserved bytes and %XX
// only; and that nothing panics, whatever the input. The same inputs also
// feed Verify a raw Authorization header.
func FuzzSignVerify(f *testing.F) {
	pemKey, err := os.ReadFile("testdata/rsa_vectors.json")
	if err != nil {
		f.Fatal(err)
	}
	var vs rsaVectors
	if err := json.Unmarshal(pemKey, &vs); err != nil {
		f.Fatal(err)
	}
	key, err := ParsePrivateKey([]byte(vs.Keys["wiki"].PrivateKey))
	if err != nil {
		f.Fatal(err)
	}
	f.Add("GET", "https://ads-api.x.com/12/stats/accounts/18ce54d4x5t?entity=CAMPAIGN&entity_ids=8wku2,8wku3&granularity=DAY", uint8(0), "",
		"ck", "cs", "tok", "ts", "nonce", int64(1318622958), uint8(0), "", false)
	f.Add("POST", "https://api.twitter.com/1/statuses/update.json?include_entities=true", uint8(1),
		"status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21",
		"xvz1evFS4wEEPTGEFPHBog", "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw", "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
		"LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", int64(1318622958), uint8(1), "", false)
	f.Add("put", "http://[::1]:8080/a%20b/%2F?a=1+2&a=%2B&b&=x&c=!*'()", uint8(2), "z=%E2%98%83&z=&;=;",
		"k+y", "s&c", "", "", "", int64(0), uint8(2), `Ads "API"`, true)
	f.Add("PATCH", "HTTP://Example.COM:80", uint8(3), `{"a":"b=c"}`, "c k", "", "t", "", "n", int64(7), uint8(4), "r", true)
	f.Add("GET", "https://h.example/p?q=%zz", uint8(0), "", "ck", "\xff", "", "", "", int64(1), uint8(3), "", false)
	f.Add("GET", "http://photos.example.net/photos?file=vacaction.jpg&size=original&oauth_nonce=old", uint8(4), "",
		"dpf43f3p2l4k3l03", "", "", "", "13917289812797014437", int64(1196666512), uint8(5), "", false)
	f.Add("POST", "https://h.example/p?a=1", uint8(9), "b=2&oauth_signature=old", "ck", "cs", "tok", "ts", "n", int64(9), uint8(6), "", true)
	f.Add("PUT", "https://h.example/p", uint8(7), `{"a":1}`, "ck", "", "tok", "", "n", int64(9), uint8(7), "r", true)
	f.Fuzz(func(t *testing.T, method, rawURL string, ctype uint8, body, ck, cs, tok, ts, nonce string, unix int64, m uint8, realm string, bodyHash bool) {
		r, err := http.NewRequest(method, rawURL, strings.NewReader(body))
		if err != nil {
			return
		}
		contentType := fuzzContentTypes[int(ctype)%len(fuzzContentTypes)]
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		s := &Signer{ConsumerKey: ck, ConsumerSecret: cs, Token: tok, TokenSecret: ts,
			Method: fuzzMethods[int(m)%len(fuzzMethods)], Realm: realm, BodyHash: bodyHash,
			Placement: Placement(int(ctype) / len(fuzzContentTypes) % 3)}
		keys := Keys{ConsumerSecret: cs, TokenSecret: ts}
		if s.Method.isRSA() {
			s.PrivateKey = key
			keys = Keys{PublicKey: &key.PublicKey}
		}
		if nonce != "" {
			s.Nonce = func() string { return nonce }
		}
		if unix != 0 {
			s.Now = func() time.Time { return time.Unix(unix, 0) }
		}

		// Arbitrary Authorization headers: errors only, never a panic.
		raw, _ := http.NewRequest(method, rawURL, strings.NewReader(body))
		raw.Header = r.Header.Clone()
		raw.Header.Set("Authorization", "OAuth "+realm)
		if _, err := Verify(raw, secrets(ck, tok, cs, ts)); !isVerifyError(err) {
			t.Fatalf("Verify on a raw header: %v is not a *VerifyError", err)
		}
		BaseString(raw)

		if err := s.Sign(r); err != nil {
			if !strings.HasPrefix(err.Error(), "oauth1: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		bs, err := BaseString(r)
		if err != nil {
			t.Fatalf("BaseString of a signed request: %v", err)
		}
		checkBaseString(t, bs)

		// The signature is over exactly that base string.
		resolved, _ := s.Method.resolve()
		got := sentParams(t, r)["oauth_signature"]
		if resolved.isRSA() {
			if err := verifyRSASignature(resolved, &key.PublicKey, []byte(bs), got); err != nil {
				t.Fatalf("oauth_signature %q is not the signature of %q: %v", got, bs, err)
			}
		} else {
			sig, s0, err := appendSignature(nil, resolved, appendKey(nil, cs, ts), []byte(bs))
			if err != nil {
				t.Fatal(err)
			}
			if got != string(sig[s0:]) {
				t.Fatalf("oauth_signature %q is not the signature of %q", got, bs)
			}
		}

		lookup := func(consumerKey, token string) (Keys, error) {
			if consumerKey != ck || token != tok {
				return Keys{}, errors.New("unknown consumer key or token")
			}
			return keys, nil
		}
		v, err := VerifyKeys(r, lookup)
		if err != nil {
			t.Fatalf("Verify of a signed request: %v\nbase string %s", err, bs)
		}
		if v.ConsumerKey != ck || v.Token != tok {
			t.Fatalf("Verified = %+v", v)
		}

		// As a server reads it off the wire.
		var wire bytes.Buffer
		if err := r.Write(&wire); err != nil {
			return // net/http would not send it either
		}
		sr, err := http.ReadRequest(bufio.NewReader(&wire))
		if err != nil {
			return
		}
		if r.URL.Scheme == "https" {
			sr.TLS = tlsState()
		} else if r.URL.Scheme != "http" {
			return
		}
		if _, err := VerifyKeys(sr, lookup); err != nil {
			sbs, _ := BaseString(sr)
			t.Fatalf("server-side Verify: %v\nclient base string %s\nserver base string %s\nwire %q", err, bs, sbs, wire.String())
		}
	})
}

func isVerifyError(err error) bool {
	var ve *VerifyError
	return errors.As(err, &ve)
}

// checkBaseString checks the shape of a base string: METHOD & URI &
// PARAMS, the last two made of unreserved bytes and %XX only.
func checkBaseString(t *testing.T, bs string) {
	t.Helper()
	if n := strings.Count(bs, "&"); n != 2 {
		t.Fatalf("base string has %d raw '&': %q", n, bs)
	}
	parts := strings.Split(bs, "&")
	for _, part := range parts[1:] {
		for i := 0; i < len(part); i++ {
			c := part[i]
			if unreserved[c] {
				continue
			}
			if c != '%' || i+2 >= len(part) || !isUpperHex(part[i+1]) || !isUpperHex(part[i+2]) {
				t.Fatalf("byte %d of %q is neither unreserved nor %%XX", i, part)
			}
			i += 2
		}
	}
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }
