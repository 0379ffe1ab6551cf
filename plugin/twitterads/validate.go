package twitterads

import (
	"net"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/openintegrator/integrator/schema"
)

// Diagnostic codes of the connector's own validation.
const (
	CodeWhitespaceInCredential = "whitespace_in_credential"
	CodeAccessTokenForm        = "access_token_form"
	CodeInsecureBaseURI        = "insecure_base_uri"
	CodeBaseURIExtra           = "base_uri_extra"
	CodeBaseURIDotSegment      = "base_uri_dot_segment"
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
		ds = append(ds, checkBaseURI(v)...)
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

func checkBaseURI(raw string) schema.Diagnostics {
	u, err := url.Parse(raw)
	if err != nil {
		return nil // the generic url check has reported it
	}
	var ds schema.Diagnostics
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		ds = append(ds, schema.Errorf(KeyBaseURI, CodeInsecureBaseURI,
			"use https://; plain http is allowed only for loopback addresses such as 127.0.0.1, for local testing",
			"Base URI %q is not https", shownURI(u)))
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#") {
		ds = append(ds, schema.Errorf(KeyBaseURI, CodeBaseURIExtra, "remove everything from ? or # on",
			"Base URI %q has a query or a fragment", shownURI(u)))
	}
	if u.User != nil {
		ds = append(ds, schema.Errorf(KeyBaseURI, CodeBaseURIExtra, "remove the user@ part; credentials go in their own fields",
			"Base URI has user information"))
	}
	if hasDotSegment(u) {
		ds = append(ds, schema.Errorf(KeyBaseURI, CodeBaseURIDotSegment,
			"write the path without . and .. segments (also none written as %2e): servers resolve them differently, so requests could reach another path than the one shown",
			"Base URI %q has a . or .. path segment", shownURI(u)))
	}
	return ds
}

// shownURI is a base URI for a message: without its user information,
// which may hold a password, and without its query and fragment.
func shownURI(u *url.URL) string {
	v := *u
	v.User, v.RawQuery, v.ForceQuery, v.Fragment, v.RawFragment = nil, "", false, "", ""
	return v.String()
}

// IsLoopback reports whether host names this machine: localhost or a
// loopback address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
