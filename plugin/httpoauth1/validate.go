package httpoauth1

import (
	"crypto/rsa"
	"strings"
	"unicode"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/plugin/oauth1"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// validate checks settings without touching the network and returns every
// problem at once, each tied to its field, and the parsed private key of
// an RSA method. The schema's validation comes first: required settings,
// kinds, ranges and the conditions under which a setting applies (the
// secrets for HMAC and PLAINTEXT, the private key for RSA, the realm in
// the header, the paging style's settings). What follows is what the
// schema cannot express. Messages never repeat a secret value or key
// material.
func validate(cfg schema.Config) (schema.Diagnostics, *rsa.PrivateKey) {
	ds := spec().Validate(cfg)
	ok := func(key string) bool { return len(ds.ForField(key)) == 0 }
	c := cfg.WithDefaults(spec())
	txt := c.Text
	bad := func(key, code, detail, format string, args ...any) {
		ds = append(ds, schema.Errorf(key, code, detail, format, args...))
	}
	if v := txt(KeyBaseURI); v != "" && ok(KeyBaseURI) {
		ds = append(ds, httpconn.CheckBase(KeyBaseURI, v)...)
	}
	for _, k := range []string{KeyConsumerKey, KeyConsumerSecret, KeyAccessToken, KeyTokenSecret} {
		if ok(k) && strings.ContainsFunc(txt(k), unicode.IsSpace) {
			bad(k, CodeWhitespaceInCredential, "copy the value again; credentials never contain spaces or line breaks",
				"%s contains a space or a line break", k)
		}
	}

	// The credentials: a token secret goes with an access token, and a
	// private key must be an RSA key.
	shown := spec().Shown(c)
	if shown[KeyTokenSecret] && ok(KeyTokenSecret) {
		switch token, secret := txt(KeyAccessToken) != "", txt(KeyTokenSecret) != ""; {
		case token && !secret:
			bad(KeyTokenSecret, schema.CodeMissingRequired,
				"pass it with --secret-env "+KeyTokenSecret+"=ENVVAR or --secrets-file, or leave access_token out for two-legged OAuth",
				"token_secret is required with an access token and %s", txt(KeySignatureMethod))
		case secret && !token:
			bad(KeyTokenSecret, CodeConflict, "set access_token too, or remove token_secret",
				"token_secret is set but access_token is not")
		}
	}
	var key *rsa.PrivateKey
	switch pem := txt(KeyPrivateKey); {
	case !shown[KeyPrivateKey] || !ok(KeyPrivateKey):
	case pem == "": // an empty text is a value to the schema
		bad(KeyPrivateKey, schema.CodeMissingRequired, "pass it with --secret-file "+KeyPrivateKey+"=FILE, --secret-env "+KeyPrivateKey+"=ENVVAR or --secrets-file",
			"private_key is empty")
	default:
		k, err := oauth1.ParsePrivateKey([]byte(pem))
		if err != nil { // its errors never hold key material
			bad(KeyPrivateKey, CodePrivateKey, "give the client's RSA private key in PEM, not encrypted",
				"private_key cannot be used: %s", strings.TrimPrefix(err.Error(), "oauth1: private key: "))
		}
		key = k
	}

	// Placement and media type.
	if txt(KeyOAuthParamsIn) == "body" {
		if txt(KeyMediaType) != "urlencoded" {
			bad(KeyOAuthParamsIn, CodeConflict, "set media_type to urlencoded, or oauth_params_in to header or query",
				"oauth_params_in body needs form bodies, and media_type is %s", txt(KeyMediaType))
		}
		if txt(KeyPingMethod) == "GET" {
			bad(KeyPingMethod, CodeConflict, "test with POST or PUT, or set oauth_params_in to header or query",
				"oauth_params_in is body, and a GET has no body to carry the OAuth parameters")
		}
	}
	_, hds := parseHeaders(c[KeyHeaders])
	ds = append(ds, hds...)

	// The connection test.
	for _, pair := range [][2]string{{KeyPingSuccessPath, KeyPingSuccessValues}, {KeyPingFailPath, KeyPingFailValues}} {
		if (txt(pair[0]) == "") != (len(list(txt(pair[1]))) == 0) {
			bad(pair[1], CodeConflict, "set both "+pair[0]+" and "+pair[1]+", or neither", "%s and %s go together", pair[0], pair[1])
		}
	}
	for _, k := range []string{KeyPingSuccessPath, KeyPingFailPath, KeyPingErrorPath, KeyRecordsPath, KeyNextCursorPath, KeyNextURLPath, KeyTotalPath} {
		if ok(k) {
			ds = append(ds, checkPath(k, txt(k))...)
		}
	}

	// Limits.
	for _, k := range []string{KeyRetryAfterHeader, KeyResetHeader, KeyRemainingHeader} {
		if v := txt(k); v != "" && ok(k) && !shared.HeaderNameValid(v) {
			bad(k, httpconn.CodeInvalidHeader, "header names are letters, digits and !#$%&'*+-.^_`|~", "%s is not a header name", k)
		}
	}
	return ds, key
}

// checkPath checks a JSON path: keys joined by dots, none empty; the
// export's fields (records, next cursor, next URL, total) one key only.
func checkPath(key, path string) schema.Diagnostics {
	if path == "" {
		return nil
	}
	segs := segments(path)
	for _, s := range segs {
		if s == "" {
			return schema.Diagnostics{schema.Errorf(key, CodeJSONPath, "write keys joined by dots, such as error.message",
				"%s %q has an empty key", key, path)}
		}
	}
	switch key {
	case KeyRecordsPath, KeyNextCursorPath, KeyNextURLPath, KeyTotalPath:
		if len(segs) > 1 {
			return schema.Diagnostics{schema.Errorf(key, CodeNestedPath,
				"name a field at the top of the answer, such as "+segs[0]+"; export reads top-level fields only, for now",
				"%s %q is nested: export cannot read fields inside fields yet", key, path)}
		}
	}
	return nil
}
