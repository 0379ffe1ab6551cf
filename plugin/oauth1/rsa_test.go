package oauth1

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// rsaVectors is testdata/rsa_vectors.json: published RSA keys and
// signatures, with their sources.
type rsaVectors struct {
	Keys map[string]struct {
		Source, PrivateKey, Certificate, PublicKey string
	}
	Sign []struct {
		Name, Source, Key string
		Request           struct{ Method, URL string }
		Signer            struct {
			ConsumerKey, Method, Nonce string
			Timestamp                  int64
		}
		BaseString, Signature string
	}
	Signature []struct {
		Name, Source, Key, Method, BaseString, Signature string
	}
}

func readRSAVectors(t *testing.T) rsaVectors {
	t.Helper()
	var v rsaVectors
	readJSON(t, "rsa_vectors.json", &v)
	return v
}

// publicKey returns the public key of a vector key, read with the standard
// library from its certificate or PKCS#1 public key, not from the private
// key this package parses.
func (v rsaVectors) publicKey(t testing.TB, name string) *rsa.PublicKey {
	t.Helper()
	k := v.Keys[name]
	if k.Certificate != "" {
		b, _ := pem.Decode([]byte(k.Certificate))
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		return cert.PublicKey.(*rsa.PublicKey)
	}
	b, _ := pem.Decode([]byte(k.PublicKey))
	pub, err := x509.ParsePKCS1PublicKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func (v rsaVectors) privateKey(t testing.TB, name string) *rsa.PrivateKey {
	t.Helper()
	key, err := ParsePrivateKey([]byte(v.Keys[name].PrivateKey))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return key
}

// TestRSAWikiTestCase signs the OAuth wiki's RSA-SHA1 test case (the
// photos.example.net request) with the published PKCS#8 key, and the same
// key in PKCS#1 form, in each placement: the base string and signature are
// the published ones, and the signature verifies with the public key of
// the published certificate.
func TestRSAWikiTestCase(t *testing.T) {
	vs := readRSAVectors(t)
	for _, v := range vs.Sign {
		key := vs.privateKey(t, v.Key)
		pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
		keyPKCS1, err := ParsePrivateKey(pkcs1)
		if err != nil {
			t.Fatal(err)
		}
		pub := vs.publicKey(t, v.Key)
		for _, c := range []struct {
			name  string
			key   *rsa.PrivateKey
			place Placement
		}{
			{"PKCS#8, header", key, InHeader},
			{"PKCS#1, header", keyPKCS1, InHeader},
			{"PKCS#8, query", key, InQuery},
			{"PKCS#8, form body", key, InBody},
		} {
			t.Run(v.Name+"/"+c.name, func(t *testing.T) {
				var r *http.Request
				if c.place == InBody {
					// The same parameters in a form body: the same base string.
					url, query, _ := strings.Cut(v.Request.URL, "?")
					r, _ = http.NewRequest(v.Request.Method, url, strings.NewReader(query))
					r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				} else {
					r, _ = http.NewRequest(v.Request.Method, v.Request.URL, nil)
				}
				s := &Signer{ConsumerKey: v.Signer.ConsumerKey, Method: Method(v.Signer.Method), PrivateKey: c.key, Placement: c.place}
				s.Nonce, s.Now = fixed(v.Signer.Nonce, v.Signer.Timestamp)
				if err := s.Sign(r); err != nil {
					t.Fatal(err)
				}
				bs, err := BaseString(r)
				if err != nil {
					t.Fatal(err)
				}
				if bs != v.BaseString {
					t.Errorf("base string:\n got %s\nwant %s", bs, v.BaseString)
				}
				sent := sentParams(t, r)
				if sent["oauth_signature"] != v.Signature {
					t.Errorf("signature:\n got %s\nwant %s", sent["oauth_signature"], v.Signature)
				}
				if c.place == InHeader {
					want := `OAuth oauth_consumer_key="dpf43f3p2l4k3l03", oauth_nonce="13917289812797014437", oauth_signature="` +
						string(appendEncoded(nil, v.Signature)) + `", oauth_signature_method="RSA-SHA1", oauth_timestamp="1196666512", oauth_version="1.0"`
					if got := r.Header.Get("Authorization"); got != want {
						t.Errorf("header:\n got %s\nwant %s", got, want)
					}
				}
				got, err := VerifyKeys(serverSide(t, r), func(ck, tok string) (Keys, error) {
					if ck != v.Signer.ConsumerKey || tok != "" {
						return Keys{}, errors.New("unknown")
					}
					return Keys{PublicKey: pub}, nil
				})
				if err != nil {
					t.Fatalf("VerifyKeys: %v", err)
				}
				if got.Method != RSASHA1 || got.Nonce != v.Signer.Nonce || got.Timestamp.Unix() != v.Signer.Timestamp {
					t.Errorf("Verified = %+v", got)
				}
			})
		}
	}
}

// TestRSASignatureVectors checks RSA-SHA1, RSA-SHA256 and RSA-SHA512
// against oauthlib's published signatures of the RFC 5849 §3.4.1.1 base
// string, made with a PKCS#1 key.
func TestRSASignatureVectors(t *testing.T) {
	vs := readRSAVectors(t)
	for _, v := range vs.Signature {
		t.Run(v.Name, func(t *testing.T) {
			key := vs.privateKey(t, v.Key)
			sig, s0, err := appendRSASignature([]byte("prefix"), Method(v.Method), key, []byte(v.BaseString))
			if err != nil {
				t.Fatal(err)
			}
			if string(sig[:s0]) != "prefix" || string(sig[s0:]) != v.Signature {
				t.Errorf("signature:\n got %s\nwant %s", sig[s0:], v.Signature)
			}
			pub := vs.publicKey(t, v.Key)
			if err := verifyRSASignature(Method(v.Method), pub, []byte(v.BaseString), v.Signature); err != nil {
				t.Errorf("verify: %v", err)
			}
			if err := verifyRSASignature(Method(v.Method), pub, []byte(v.BaseString+"x"), v.Signature); err == nil {
				t.Errorf("verified a signature over another base string")
			}
		})
	}
}

// TestRSAIgnoresSecrets: the RSA methods sign with the key alone (RFC 5849
// §3.4.3), so secrets set by mistake change nothing.
func TestRSAIgnoresSecrets(t *testing.T) {
	vs := readRSAVectors(t)
	key := vs.privateKey(t, "wiki")
	sig := func(s *Signer) string {
		r, _ := http.NewRequest("GET", "https://h.example/p", nil)
		s.Nonce, s.Now = fixed("n", 1)
		if err := s.Sign(r); err != nil {
			t.Fatal(err)
		}
		return authParams(t, r)["oauth_signature"]
	}
	a := sig(&Signer{ConsumerKey: "ck", Token: "tok", Method: RSASHA256, PrivateKey: key})
	b := sig(&Signer{ConsumerKey: "ck", Token: "tok", ConsumerSecret: "cs", TokenSecret: "ts", Method: RSASHA256, PrivateKey: key})
	if a != b {
		t.Errorf("secrets changed an RSA signature: %s, %s", a, b)
	}
}

func TestParsePrivateKey(t *testing.T) {
	vs := readRSAVectors(t)
	wiki, oauthlib := vs.Keys["wiki"], vs.Keys["oauthlib"]
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ecKey)
	ecPKCS8 := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}))
	ecSEC1DER, _ := x509.MarshalECPrivateKey(ecKey)
	ecSEC1 := string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecSEC1DER}))
	wikiBlock, _ := pem.Decode([]byte(wiki.PrivateKey))
	legacyEncrypted := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY",
		Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00112233445566778899AABBCCDDEEFF"},
		Bytes:   wikiBlock.Bytes}))
	pkcs8Encrypted := strings.ReplaceAll(wiki.PrivateKey, "PRIVATE KEY", "ENCRYPTED PRIVATE KEY")
	corrupt := strings.Replace(wiki.PrivateKey, "MIICdgIBADANBgkqhkiG9w0BAQEFAASC", "MIICdgIBADANBgkqhkiG9w0BAQEFAASD", 1)
	mislabelled := strings.ReplaceAll(wiki.PrivateKey, "PRIVATE KEY", "RSA PRIVATE KEY")

	for _, c := range []struct {
		name, pem string
		bits      int    // a key of this size, or
		wantErr   string // an error containing this
	}{
		{name: "PKCS#8", pem: wiki.PrivateKey, bits: 1024},
		{name: "PKCS#1", pem: oauthlib.PrivateKey, bits: 1024},
		{name: "certificate and text around the key", pem: "Bag Attributes\n  friendlyName: x\n" + wiki.Certificate + wiki.PrivateKey + "trailing\n", bits: 1024},
		{name: "PKCS#8 labelled PKCS#1", pem: mislabelled, bits: 1024},
		{name: "empty", pem: "", wantErr: "no PEM block found"},
		{name: "not PEM", pem: "MIICdgIBADANBgkqhkiG9w0BAQEFAASC", wantErr: "no PEM block found"},
		{name: "a secret pasted by mistake", pem: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw", wantErr: "no PEM block found"},
		{name: "certificate only", pem: wiki.Certificate, wantErr: `no private key among the PEM blocks (CERTIFICATE)`},
		{name: "public key only", pem: oauthlib.PublicKey, wantErr: `no private key among the PEM blocks (RSA PUBLIC KEY)`},
		{name: "encrypted PKCS#8", pem: pkcs8Encrypted, wantErr: "encrypted: decrypt it first"},
		{name: "encrypted PKCS#1 (Proc-Type)", pem: legacyEncrypted, wantErr: "encrypted: decrypt it first"},
		{name: "ECDSA in PKCS#8", pem: ecPKCS8, wantErr: "the key is ECDSA, not RSA"},
		{name: "EC PRIVATE KEY", pem: ecSEC1, wantErr: `PEM block "EC PRIVATE KEY" is not an RSA key in PKCS#1 or PKCS#8 form`},
		{name: "two keys", pem: wiki.PrivateKey + oauthlib.PrivateKey, wantErr: "more than one private key"},
		{name: "512 bits", pem: readTestdata(t, "rsa512_pkcs1.pem"), wantErr: "the RSA key has 512 bits; at least 1024 are needed"},
		{name: "corrupt DER", pem: corrupt, wantErr: `PEM block "PRIVATE KEY" does not hold a valid PKCS#8 private key`},
	} {
		t.Run(c.name, func(t *testing.T) {
			key, err := ParsePrivateKey([]byte(c.pem))
			if c.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if key.N.BitLen() != c.bits {
					t.Errorf("%d bits, want %d", key.N.BitLen(), c.bits)
				}
				return
			}
			if key != nil || err == nil {
				t.Fatalf("ParsePrivateKey = %v, %v; want an error containing %q", key != nil, err, c.wantErr)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "oauth1: private key: ") || !strings.Contains(msg, c.wantErr) {
				t.Errorf("error %q, want one containing %q", msg, c.wantErr)
			}
			noKeyMaterial(t, msg, c.pem)
		})
	}
}

// noKeyMaterial fails if msg holds any run of 12 characters of a line of
// the PEM or text given.
func noKeyMaterial(t *testing.T, msg, given string) {
	t.Helper()
	for _, line := range strings.Split(given, "\n") {
		if strings.HasPrefix(line, "-----") {
			continue
		}
		for i := 0; i+12 <= len(line); i++ {
			if strings.Contains(msg, line[i:i+12]) {
				t.Fatalf("error %q holds key material %q", msg, line[i:i+12])
			}
		}
	}
}

func TestSignRSAErrors(t *testing.T) {
	vs := readRSAVectors(t)
	b, _ := pem.Decode([]byte(readTestdata(t, "rsa512_pkcs1.pem")))
	small, err := x509.ParsePKCS1PrivateKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	key := vs.privateKey(t, "wiki")
	for _, c := range []struct {
		name    string
		signer  Signer
		wantErr string
	}{
		{"RSA without a key", Signer{Method: RSASHA512}, "RSA-SHA512 needs PrivateKey, the client's RSA key: read its PEM with ParsePrivateKey"},
		{"key with an HMAC method", Signer{Method: HMACSHA256, PrivateKey: key}, "PrivateKey is set but Method is HMAC-SHA256: set Method to RSASHA1"},
		{"key with the zero method", Signer{PrivateKey: key}, "PrivateKey is set but Method is HMAC-SHA1"},
		{"key too small", Signer{Method: RSASHA1, PrivateKey: small}, "PrivateKey: the RSA key has 512 bits; at least 1024 are needed"},
		{"key without modulus", Signer{Method: RSASHA1, PrivateKey: &rsa.PrivateKey{}}, "PrivateKey: the RSA key has no modulus"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := c.signer
			s.ConsumerKey = "ck"
			r, _ := http.NewRequest("GET", "https://h.example/p", nil)
			err := s.Sign(r)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("Sign: %v, want an error containing %q", err, c.wantErr)
			}
			if r.Header.Get("Authorization") != "" {
				t.Errorf("request signed after an error")
			}
		})
	}
}

// serverSide returns r as a server reads it off the wire, with r.TLS set
// for https.
func serverSide(t *testing.T, r *http.Request) *http.Request {
	t.Helper()
	var wire strings.Builder
	if err := r.Write(&wire); err != nil {
		t.Fatal(err)
	}
	return readRequest(t, wire.String(), r.URL.Scheme == "https")
}

// sentParams returns the protocol parameters r carries, wherever Sign put
// them.
func sentParams(t *testing.T, r *http.Request) map[string]string {
	t.Helper()
	rc, err := readReceived(r)
	if err != nil {
		t.Fatalf("reading the protocol parameters: %v", err)
	}
	m := map[string]string{}
	for _, p := range rc.ap {
		m[p.name] = p.value
	}
	return m
}
