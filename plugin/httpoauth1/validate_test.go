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
		{"RSA without a key", withoutKey(rsa, KeyPrivateKey), []at{{KeyPrivateKey, schema.CodeMissingRequired}}},
		{"RSA with an empty key", set(rsa, KeyPrivateKey, ""), []at{{KeyPrivateKey, schema.CodeMissingRequired}}},
		{"the secrets of HMAC with RSA", set(rsa, KeyConsumerSecret, "cs", KeyTokenSecret, "ts"),
			[]at{{KeyConsumerSecret, schema.CodeNotApplicable}, {KeyTokenSecret, schema.CodeNotApplicable}}},
		{"a private key with HMAC", set(good, KeyPrivateKey, api.Credentials.PrivateKeyPEM), []at{{KeyPrivateKey, schema.CodeNotApplicable}}},
		{"RSA with a key that is no PEM", set(rsa, KeyPrivateKey, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"), []at{{KeyPrivateKey, CodePrivateKey}}},
		{"RSA with an EC key", set(rsa, KeyPrivateKey, ecPEM(t)), []at{{KeyPrivateKey, CodePrivateKey}}},
		{"RSA with an encrypted key", set(rsa, KeyPrivateKey, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n"),
			[]at{{KeyPrivateKey, CodePrivateKey}}},
		{"plain http to a remote host", set(good, KeyBaseURI, "http://api.example.com"), []at{{KeyBaseURI, httpconn.CodeInsecureBaseURI}}},
		{"a realm outside the header", set(good, KeyRealm, "Photos", KeyOAuthParamsIn, "query"), []at{{KeyRealm, schema.CodeNotApplicable}}},
		{"body placement without form bodies, tested with GET", set(good, KeyOAuthParamsIn, "body"),
			[]at{{KeyOAuthParamsIn, CodeConflict}, {KeyPingMethod, CodeConflict}}},
		{"body placement done right", set(good, KeyOAuthParamsIn, "body", KeyMediaType, "urlencoded", KeyPingMethod, "POST"), nil},
		{"a body on a GET test", set(good, KeyPingBody, "{}"), []at{{KeyPingBody, schema.CodeNotApplicable}}},
		{"a body on a PUT test", set(good, KeyPingBody, "{}", KeyPingMethod, "PUT"), nil},
		{"success values without a path", set(good, KeyPingSuccessValues, "true"), []at{{KeyPingSuccessValues, CodeConflict}}},
		{"a fail path without values", set(good, KeyPingFailPath, "ok"), []at{{KeyPingFailValues, CodeConflict}}},
		{"an empty key in a path", set(good, KeyPingErrorPath, "error..message"), []at{{KeyPingErrorPath, CodeJSONPath}}},
		{"nested export fields", set(good, KeyPaging, "cursor", KeyCursorParam, "c", KeyRecordsPath, "data.items", KeyNextCursorPath, "$.meta.next"),
			[]at{{KeyRecordsPath, CodeNestedPath}, {KeyNextCursorPath, CodeNestedPath}}},
		{"a top-level field written with $.", set(good, KeyRecordsPath, "$.data"), nil},
		{"cursor paging without its fields", set(good, KeyPaging, "cursor"),
			[]at{{KeyCursorParam, schema.CodeMissingRequired}, {KeyNextCursorPath, schema.CodeMissingRequired}}},
		{"next_url paging without its field", set(good, KeyPaging, "next_url"), []at{{KeyNextURLPath, schema.CodeMissingRequired}}},
		{"page paging without its parameter", set(good, KeyPaging, "page", KeyPageSizeParam, "per_page"), []at{{KeyPageParam, schema.CodeMissingRequired}}},
		{"another style's paging settings", set(good, KeyPaging, "next_url", KeyNextURLPath, "next", KeyCursorParam, "c", KeyPageSizeParam, "n"),
			[]at{{KeyCursorParam, schema.CodeNotApplicable}, {KeyPageSizeParam, schema.CodeNotApplicable}}},
		{"paging settings without paging", set(good, KeyNextCursorPath, "a.b"), []at{{KeyNextCursorPath, schema.CodeNotApplicable}}},
		{"limits out of range", set(good, KeyConcurrency, "26", KeyTimeout, "0", KeyRateLimitStatus, "200", KeyAuthFailStatus, "600"),
			[]at{{KeyRateLimitStatus, schema.CodeOutOfRange}, {KeyAuthFailStatus, schema.CodeOutOfRange}, {KeyConcurrency, schema.CodeOutOfRange}, {KeyTimeout, schema.CodeOutOfRange}}},
		{"limits at their bounds", set(good, KeyConcurrency, "25", KeyTimeout, "3600", KeyRateLimitStatus, "599", KeyAuthFailStatus, "400"), nil},
		{"a header name with a space", set(good, KeyRetryAfterHeader, "Retry After"), []at{{KeyRetryAfterHeader, httpconn.CodeInvalidHeader}}},
		{"headers: no name, a bad name, an owned header, a control character, a secret without its value", headers(good,
			schema.KV{Name: "X-Good", Value: "1"}, schema.KV{Value: "x"}, schema.KV{Name: "Bad Name", Value: "x"},
			schema.KV{Name: "Authorization", Value: "Basic x", Secret: true}, schema.KV{Name: "X-Line", Value: "a\nb"},
			schema.KV{Name: "X-Key", Secret: true}),
			[]at{{KeyHeaders, schema.CodeBadEntry}, {KeyHeaders, schema.CodeMissingRequired},
				{KeyHeaders, httpconn.CodeInvalidHeader}, {KeyHeaders, httpconn.CodeHeaderNotAllowed}, {KeyHeaders, httpconn.CodeControlCharacter}}},
		{"secret_headers, gone", set(good, "secret_headers", "X-Api-Key: k"), []at{{"secret_headers", schema.CodeUnknownKey}}},
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

// withoutKey returns c without the setting key.
func withoutKey(c schema.Config, key string) schema.Config {
	out := set(c)
	delete(out, key)
	return out
}

// headers returns c with entries in place of its headers' entries.
func headers(c schema.Config, entries ...schema.KV) schema.Config {
	out := set(c)
	out[KeyHeaders] = schema.KeyValuesValue(entries)
	return out
}

// TestValidateNeverEchoesSecrets: no diagnostic quotes a secret value,
// the value of a header entry, secret or not, the name of a secret entry
// that is not a valid header, or any run of a private key.
func TestValidateNeverEchoesSecrets(t *testing.T) {
	api := oauthtestapi.NewServer()
	api.Close()
	const marker = "Zq8SECRETvalue7x"
	key := api.Credentials.PrivateKeyPEM
	broken := strings.Replace(key, key[100:140], marker+strings.Repeat("A", 40-len(marker)), 1) // corrupt DER
	cfgs := []schema.Config{
		set(hmacConfig(api), KeyConsumerSecret, marker+" x", KeyTokenSecret, "\t"+marker),
		headers(hmacConfig(api), schema.KV{Name: "X-Key " + marker, Value: "v", Secret: true}, schema.KV{Name: marker, Value: "\x01", Secret: true},
			schema.KV{Name: "X-Other", Value: "a\x01" + marker, Secret: true}, schema.KV{Name: "X-Plain", Value: marker + "\r\n"}),
		set(rsaConfig(api, "RSA-SHA512"), KeyPrivateKey, broken),
		set(rsaConfig(api, "RSA-SHA512"), KeyPrivateKey, strings.ReplaceAll(key, "PRIVATE KEY", "EC PRIVATE KEY")),
		set(hmacConfig(api), KeyPrivateKey, key),
		set(hmacConfig(api), KeyAccessToken, "", KeyTokenSecret, marker),
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
