package httpoauth1

import (
	"crypto/rsa"
	"strconv"
	"strings"
	"unicode"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/plugin/oauth1"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// validate checks settings without touching the network and returns every
// problem at once, each tied to its field, and the parsed private key of
// an RSA method. Messages never repeat a secret value or key material.
func validate(cfg schema.Config) (schema.Diagnostics, *rsa.PrivateKey) {
	ds := spec().Validate(cfg)
	ok := func(key string) bool { return len(ds.ForField(key)) == 0 }
	c := cfg.WithDefaults(spec())
	txt := c.Text
	bad := func(key, code, detail, format string, args ...any) {
		ds = append(ds, schema.Errorf(key, code, detail, format, args...))
	}
	warn := func(key, why string) {
		ds = append(ds, schema.Warningf(key, CodeNotUsed, "remove it, or check signature_method", "%s is not used %s", key, why))
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

	// The credentials the signature method needs.
	method := txt(KeySignatureMethod)
	need := func(key, why string) {
		if txt(key) == "" {
			bad(key, schema.CodeMissingRequired, "pass it with --secret-env "+key+"=ENVVAR or --secrets-file",
				"%s is required %s", key, why)
		}
	}
	var key *rsa.PrivateKey
	switch {
	case !ok(KeySignatureMethod) || method == "":
	case strings.HasPrefix(method, "RSA-"):
		need(KeyPrivateKey, "with "+method)
		if pem := txt(KeyPrivateKey); pem != "" {
			k, err := oauth1.ParsePrivateKey([]byte(pem))
			if err != nil { // its errors never hold key material
				bad(KeyPrivateKey, CodePrivateKey, "give the client's RSA private key in PEM, not encrypted",
					"private_key cannot be used: %s", strings.TrimPrefix(err.Error(), "oauth1: private key: "))
			}
			key = k
		}
		for _, k := range []string{KeyConsumerSecret, KeyTokenSecret} {
			if txt(k) != "" {
				warn(k, "with "+method+", which signs with private_key")
			}
		}
	default:
		need(KeyConsumerSecret, "with "+method)
		if txt(KeyAccessToken) != "" {
			need(KeyTokenSecret, "with "+method+" and an access token")
		} else if txt(KeyTokenSecret) != "" {
			bad(KeyTokenSecret, CodeConflict, "set access_token too, or remove token_secret",
				"token_secret is set but access_token is not")
		}
		if txt(KeyPrivateKey) != "" {
			warn(KeyPrivateKey, "with "+method+", which signs with the secrets")
		}
	}

	// Placement, realm and media type.
	if txt(KeyRealm) != "" && txt(KeyOAuthParamsIn) != "header" {
		bad(KeyRealm, CodeConflict, "remove the realm, or set oauth_params_in to header",
			"a realm is sent only in the Authorization header, and oauth_params_in is %s", txt(KeyOAuthParamsIn))
	}
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
	for _, k := range []string{KeyHeaders, KeySecretHeaders} {
		_, hds := parseHeaders(k, txt(k))
		ds = append(ds, hds...)
	}

	// The connection test.
	if txt(KeyPingBody) != "" && txt(KeyPingMethod) == "GET" {
		bad(KeyPingBody, CodeConflict, "set ping_method to POST or PUT, or remove ping_body", "a GET test request cannot have a body")
	}
	for _, pair := range [][2]string{{KeyPingSuccessPath, KeyPingSuccessValues}, {KeyPingFailPath, KeyPingFailValues}} {
		if (txt(pair[0]) == "") != (len(list(txt(pair[1]))) == 0) {
			bad(pair[1], CodeConflict, "set both "+pair[0]+" and "+pair[1]+", or neither", "%s and %s go together", pair[0], pair[1])
		}
	}
	for _, k := range []string{KeyPingSuccessPath, KeyPingFailPath, KeyPingErrorPath, KeyRecordsPath, KeyNextCursorPath, KeyNextURLPath, KeyTotalPath} {
		ds = append(ds, checkPath(k, txt(k))...)
	}

	// Paging.
	style := txt(KeyPaging)
	for _, k := range map[string][]string{"cursor": {KeyCursorParam, KeyNextCursorPath}, "next_url": {KeyNextURLPath}, "page": {KeyPageParam}}[style] {
		if txt(k) == "" {
			bad(k, schema.CodeMissingRequired, "set it with --set "+k+"=VALUE", "%s is required with paging %s", k, style)
		}
	}

	// Limits.
	for _, r := range []struct {
		key      string
		min, max int64
	}{{KeyRateLimitStatus, 400, 599}, {KeyAuthFailStatus, 400, 599}, {KeyConcurrency, 1, 25}, {KeyTimeout, 1, 3600}} {
		if n, isInt := c[r.key].IntVal(); isInt && ok(r.key) && (n < r.min || n > r.max) {
			bad(r.key, CodeOutOfRange, "use a number from "+itoa(r.min)+" to "+itoa(r.max), "%s is %d, outside %d to %d", r.key, n, r.min, r.max)
		}
	}
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

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
