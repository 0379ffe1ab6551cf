package twitterads

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/schema"
)

// Diagnostic codes of the connector's own validation; a base URI that is
// not https, or has extra parts, gets the engine's (httpconn.CheckBase).
const (
	CodeWhitespaceInCredential = "whitespace_in_credential"
	CodeAccessTokenForm        = "access_token_form"
	CodeAPIVersion             = "api_version_not_a_number"
	CodeAccountID              = "account_id_form"
)

var (
	accessTokenForm = regexp.MustCompile(`^[0-9]+-[A-Za-z0-9]+$`)
	versionForm     = regexp.MustCompile(`^[0-9]{1,4}$`)
	accountIDForm   = regexp.MustCompile(`^[a-z0-9]{1,32}$`)
)

// validate checks settings without touching the network and returns every
// problem, each tied to its field. Messages never repeat a secret value.
func validate(cfg schema.Config) schema.Diagnostics {
	spec := Spec()
	ds := spec.Validate(cfg)
	flagged := func(key string) bool { return len(ds.ForField(key)) > 0 }

	for _, key := range credentialKeys {
		v := cfg.Text(key)
		if v == "" || flagged(key) {
			continue
		}
		if strings.ContainsFunc(v, unicode.IsSpace) {
			f, _ := spec.Field(key)
			ds = append(ds, schema.Errorf(key, CodeWhitespaceInCredential,
				"copy the value again from the developer portal; credentials never contain spaces or line breaks",
				"%s contains a space or a line break", f.Label))
		}
	}
	if v := cfg.Text(KeyAccessToken); v != "" && !flagged(KeyAccessToken) && !accessTokenForm.MatchString(v) {
		ds = append(ds, schema.Errorf(KeyAccessToken, CodeAccessTokenForm,
			"an access token is the numeric user id, a hyphen, then letters and digits (e.g. 12345-AbC9); check that the token secret was not pasted here",
			"Access token is not of the form <digits>-<letters and digits>"))
	}
	if v := cfg.Text(KeyBaseURI); v != "" && !flagged(KeyBaseURI) {
		ds = append(ds, httpconn.CheckBase(KeyBaseURI, v)...)
	}
	if v := cfg.Text(KeyAPIVersion); v != "" && !flagged(KeyAPIVersion) && !versionForm.MatchString(v) {
		ds = append(ds, schema.Errorf(KeyAPIVersion, CodeAPIVersion, "use a number such as "+DefaultAPIVersion,
			"API version %q is not a number", v))
	}
	if v := cfg.Text(KeyAccountID); v != "" && !flagged(KeyAccountID) && !accountIDForm.MatchString(v) {
		ds = append(ds, schema.Errorf(KeyAccountID, CodeAccountID,
			"an ads account id is lower-case letters and digits, such as 18ce54d4x5t",
			"Ads account ID %q is not an account id", v))
	}
	return ds
}
