package twitterads

import (
	"net/url"
	"strings"

	"github.com/openintegrator/integrator/plugin/httpconn"
)

// DownloadHost is where the API puts async report files. Requests to it
// are sent without credentials.
const DownloadHost = "ton.twimg.com"

// newProfile returns the X Ads API's conventions for the engine.
func newProfile(userAgent string) *httpconn.Profile {
	return &httpconn.Profile{
		UserAgent:   userAgent,
		ExamplePath: "/" + DefaultAPIVersion + "/accounts",
		Hosts:       []httpconn.Host{{Name: "report download host", Shown: DownloadHost, Allows: downloadAllowed}},
		RateLimits: httpconn.RateLimits{
			// Per ads account (on GETs under an account), then per user
			// (access token): the account family takes precedence.
			Budgets: []httpconn.Budget{
				httpconn.Prefixed("account", "X-Account-Rate-Limit-"),
				httpconn.Prefixed("user", "X-Rate-Limit-"),
			},
		},
		Errors: httpconn.APIErrors{List: "errors", Code: "code", Message: "message", Parameter: "parameter", Hints: apiHints},
	}
}

// apiHints say what the API's error codes mean for the user.
var apiHints = map[string]httpconn.Hint{
	"UNAUTHORIZED_ACCESS": {Summary: "authentication failed",
		Detail: "check the consumer key and secret, the access token and token secret, and that this computer's clock is right"},
	"UNAUTHORIZED_CLIENT_APPLICATION": {Summary: "the app has no Ads API access",
		Detail: "apply for Ads API access for this app in the X developer portal, or use the keys of an app that has it; regenerate the access token after approval"},
	"READONLY_CLIENT_APPLICATION": {Summary: "the app may only read",
		Detail: "give the app read and write permission in the developer portal, then regenerate the access token"},
	"ACCOUNT_NOT_FOUND": {Summary: "the ads account does not exist or this user has no access to it",
		Detail: "check the account id; the user of the access token needs a role on the account"},
	"NOT_FOUND":         {Summary: "not found", Detail: "check the ids in the path; deleted entities appear only with with_deleted=true"},
	"ROUTE_NOT_FOUND":   {Summary: "no such endpoint", Detail: "check the path, the method and the API version"},
	"INVALID":           {Summary: "invalid request", Detail: "check the API version and the path"},
	"TOO_MANY_REQUESTS": {Summary: "rate limit reached", Detail: "retry at or after the reset time in the x-rate-limit-reset headers"},
	"TOO_MANY_JOBS":     {Summary: "too many async jobs are processing", Detail: "wait for running jobs to finish"},
}

// downloadAllowed reports whether u may be fetched, without credentials,
// as an async report download: https://ton.twimg.com, or any loopback
// address when the base URI itself is loopback (a local simulator, whose
// download host listens on another port).
func downloadAllowed(u, base *url.URL) bool {
	if u.Scheme == "https" && strings.EqualFold(u.Hostname(), DownloadHost) && (u.Port() == "" || u.Port() == "443") {
		return true
	}
	return httpconn.IsLoopback(base.Hostname()) && httpconn.IsLoopback(u.Hostname())
}

// versionPrefix returns the engine's path hook: a path whose first
// segment is not all digits gets the API version in front ("accounts"
// becomes "12/accounts"; "11/accounts" stays).
func versionPrefix(version string) func(string) string {
	return func(p string) string {
		first, _, _ := strings.Cut(p, "/")
		if allDigits(first) {
			return p
		}
		return version + "/" + p
	}
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
