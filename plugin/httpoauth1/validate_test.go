package httpoauth1

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/plugin/oauthtestapi"
	"github.com/openintegrator/integrator/schema"
)

type at struct{ Field, Code string }

func errorsOf(ds schema.Diagnostics) []at {
	var out []at
	for _, d := range ds {
		if d.Severity == schema.SeverityError {
			out = append(out, at{d.Field, d.Code})
		}
	}
	return out
}

func ecPEM(t *testing.T) string {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// TestValidate: each rule of the settings, alone, reports its field and
// code; Validate never touches the network (the base URI is never
// called).
func TestValidate(t *testing.T) {
	api := oauthtestapi.NewServer()
	api.Close() // Validate must not need it
	good := hmacConfig(api)
	rsa := rsaConfig(api, "RSA-SHA256")
	tests := []struct {
		name string
		cfg  schema.Config
		want []at
	}{
		{"good HMAC", good, nil},
		{"good RSA", rsa, nil},
		{"two-legged HMAC: no token, no token secret", set(good, KeyAccessToken, "", KeyTokenSecret, ""), nil},
		{"every method", set(good, KeySignatureMethod, "PLAINTEXT"), nil},
		{"everything missing at once", schema.Config{}, []at{{KeyBaseURI, schema.CodeMissingRequired},
			{KeySignatureMethod, schema.CodeMissingRequired}, {KeyConsumerKey, schema.CodeMissingRequired}, {KeyPingPath, schema.CodeMissingRequired}}},
		{"HMAC without its secrets", set(good, KeyConsumerSecret, "", KeyTokenSecret, ""),
			[]at{{KeyConsumerSecret, schema.CodeMissingRequired}, {KeyTokenSecret, schema.CodeMissingRequired}}},
		{"a token secret without a token", set(good, KeyAccessToken, ""), []at{{KeyTokenSecret, CodeConflict}}},
		{"RSA without a key", set(rsa, KeyPrivateKey, ""), []at{{KeyPrivateKey, schema.CodeMissingRequired}}},
		{"RSA with a key that is no PEM", set(rsa, KeyPrivateKey, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"), []at{{KeyPrivateKey, CodePrivateKey}}},
		{"RSA with an EC key", set(rsa, KeyPrivateKey, ecPEM(t)), []at{{KeyPrivateKey, CodePrivateKey}}},
		{"RSA with an encrypted key", set(rsa, KeyPrivateKey, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n"),
			[]at{{KeyPrivateKey, CodePrivateKey}}},
		{"plain http to a remote host", set(good, KeyBaseURI, "http://api.example.com"), []at{{KeyBaseURI, httpconn.CodeInsecureBaseURI}}},
		{"a realm outside the header", set(good, KeyRealm, "Photos", KeyOAuthParamsIn, "query"), []at{{KeyRealm, CodeConflict}}},
		{"body placement without form bodies, tested with GET", set(good, KeyOAuthParamsIn, "body"),
			[]at{{KeyOAuthParamsIn, CodeConflict}, {KeyPingMethod, CodeConflict}}},
		{"body placement done right", set(good, KeyOAuthParamsIn, "body", KeyMediaType, "urlencoded", KeyPingMethod, "POST"), nil},
		{"a body on a GET test", set(good, KeyPingBody, "{}"), []at{{KeyPingBody, CodeConflict}}},
		{"success values without a path", set(good, KeyPingSuccessValues, "true"), []at{{KeyPingSuccessValues, CodeConflict}}},
		{"a fail path without values", set(good, KeyPingFailPath, "ok"), []at{{KeyPingFailValues, CodeConflict}}},
		{"an empty key in a path", set(good, KeyPingErrorPath, "error..message"), []at{{KeyPingErrorPath, CodeJSONPath}}},
		{"nested export fields", set(good, KeyPaging, "cursor", KeyCursorParam, "c", KeyRecordsPath, "data.items", KeyNextCursorPath, "$.meta.next"),
			[]at{{KeyRecordsPath, CodeNestedPath}, {KeyNextCursorPath, CodeNestedPath}}},
		{"a top-level field written with $.", set(good, KeyRecordsPath, "$.data"), nil},
		{"cursor paging without its fields", set(good, KeyPaging, "cursor"),
			[]at{{KeyCursorParam, schema.CodeMissingRequired}, {KeyNextCursorPath, schema.CodeMissingRequired}}},
		{"next_url paging without its field", set(good, KeyPaging, "next_url"), []at{{KeyNextURLPath, schema.CodeMissingRequired}}},
		{"page paging without its parameter", set(good, KeyPaging, "page"), []at{{KeyPageParam, schema.CodeMissingRequired}}},
		{"limits out of range", set(good, KeyConcurrency, "26", KeyTimeout, "0", KeyRateLimitStatus, "200", KeyAuthFailStatus, "600"),
			[]at{{KeyRateLimitStatus, CodeOutOfRange}, {KeyAuthFailStatus, CodeOutOfRange}, {KeyConcurrency, CodeOutOfRange}, {KeyTimeout, CodeOutOfRange}}},
		{"a header name with a space", set(good, KeyRetryAfterHeader, "Retry After"), []at{{KeyRetryAfterHeader, httpconn.CodeInvalidHeader}}},
		{"headers: no colon, a bad name, an owned header", set(good, KeyHeaders, "X-Good: 1\n\nno colon here\nBad Name: x\nAuthorization: Basic x"),
			[]at{{KeyHeaders, CodeHeaderLine}, {KeyHeaders, httpconn.CodeInvalidHeader}, {KeyHeaders, httpconn.CodeHeaderNotAllowed}}},
		{"a space inside a secret", set(good, KeyConsumerSecret, "abc def"), []at{{KeyConsumerSecret, CodeWhitespaceInCredential}}},
	}
	c := newTestConnector()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := c.Validate(context.Background(), tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, errorsOf(ds)); diff != "" {
				t.Errorf("errors (-want +got)\n%s\n%v", diff, ds)
			}
			for _, d := range ds {
				if d.Summary == "" || d.Detail == "" {
					t.Errorf("diagnostic without a summary or a fix: %+v", d)
				}
			}
		})
	}
}

// TestValidateWarnsOfSettingsNotUsed: secrets the chosen method ignores
// are warnings, not errors.
func TestValidateWarnsOfSettingsNotUsed(t *testing.T) {
	api := oauthtestapi.NewServer()
	api.Close()
	cfg := set(rsaConfig(api, "RSA-SHA1"), KeyConsumerSecret, "cs")
	ds, _ := validate(cfg)
	if ds.HasError() {
		t.Fatalf("errors: %v", ds)
	}
	for _, key := range []string{KeyConsumerSecret} {
		if w := ds.ForField(key); len(w) != 1 || w[0].Code != CodeNotUsed || w[0].Severity != schema.SeverityWarning {
			t.Errorf("%s: %v", key, w)
		}
	}
}

// TestValidateNeverEchoesSecrets: no diagnostic quotes a secret value,
// a secret header's value or name, or any run of a private key.
func TestValidateNeverEchoesSecrets(t *testing.T) {
	api := oauthtestapi.NewServer()
	api.Close()
	const marker = "Zq8SECRETvalue7x"
	key := api.Credentials.PrivateKeyPEM
	broken := strings.Replace(key, key[100:140], marker+strings.Repeat("A", 40-len(marker)), 1) // corrupt DER
	cfgs := []schema.Config{
		set(hmacConfig(api), KeyConsumerSecret, marker+" x", KeyTokenSecret, "\t"+marker),
		set(hmacConfig(api), KeySecretHeaders, "X-Key "+marker+": v\n"+marker+"\nX-Other: a\x01"+marker),
		set(rsaConfig(api, "RSA-SHA512"), KeyPrivateKey, broken),
		set(rsaConfig(api, "RSA-SHA512"), KeyPrivateKey, strings.ReplaceAll(key, "PRIVATE KEY", "EC PRIVATE KEY")),
		set(hmacConfig(api), KeyPrivateKey, key),
	}
	for i, cfg := range cfgs {
		ds, _ := validate(cfg)
		if len(ds) == 0 {
			t.Errorf("config %d: no diagnostics", i)
		}
		for _, d := range ds {
			text := d.Summary + d.Detail
			if strings.Contains(text, marker) {
				t.Errorf("config %d: a secret in %+v", i, d)
			}
			lines := strings.Split(key, "\n")
			for _, l := range lines[1 : len(lines)-2] {
				for j := 0; j+12 <= len(l); j += 12 {
					if strings.Contains(text, l[j:j+12]) {
						t.Fatalf("config %d: key material in %+v", i, d)
					}
				}
			}
		}
	}
}
