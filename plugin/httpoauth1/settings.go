package httpoauth1

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/plugin/oauth1"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// settings are a validated connection configuration, ready to use.
type settings struct {
	conn        httpconn.Conn
	headers     []shared.Header // the headers setting's entries
	contentType string          // for bodies sent without one
	accept      string
	inBody      bool
	ping        pingSettings
	paging      shared.Paging
	authFail    int
	timeout     time.Duration
}

type pingSettings struct {
	method, path              string
	body                      []byte
	successPath, failPath     string
	successValues, failValues []string
}

var contentTypes = map[string][2]string{ // media_type: Content-Type, Accept
	"json": {"application/json", "application/json"}, "urlencoded": {"application/x-www-form-urlencoded", ""},
	"xml": {"application/xml", "application/xml"}, "plaintext": {"text/plain; charset=utf-8", "text/plain"},
}

var placementOf = map[string]oauth1.Placement{"header": oauth1.InHeader, "query": oauth1.InQuery, "body": oauth1.InBody}

// parseSettings validates cfg (locally) and returns the settings with
// defaults filled in. When the diagnostics hold an error, nothing may be
// sent.
func parseSettings(cfg schema.Config) (settings, schema.Diagnostics) {
	ds, key := validate(cfg)
	if ds.HasError() {
		return settings{}, ds
	}
	cfg = cfg.WithDefaults(spec())
	txt := cfg.Text
	num := func(k string) int { n, _ := cfg[k].IntVal(); return int(n) }
	base, _ := httpconn.ParseBase(txt(KeyBaseURI)) // validate parsed it
	signer := &oauth1.Signer{ConsumerKey: txt(KeyConsumerKey), Token: txt(KeyAccessToken),
		Method: oauth1.Method(txt(KeySignatureMethod)), Placement: placementOf[txt(KeyOAuthParamsIn)],
		Realm: txt(KeyRealm), PrivateKey: key}
	signer.BodyHash, _ = cfg[KeyBodyHash].BoolVal()
	if key == nil {
		signer.ConsumerSecret, signer.TokenSecret = txt(KeyConsumerSecret), txt(KeyTokenSecret)
	}
	s := settings{
		contentType: contentTypes[txt(KeyMediaType)][0], accept: contentTypes[txt(KeyMediaType)][1],
		inBody:   signer.Placement == oauth1.InBody,
		authFail: num(KeyAuthFailStatus), timeout: time.Duration(num(KeyTimeout)) * time.Second,
		ping: pingSettings{method: txt(KeyPingMethod), path: txt(KeyPingPath), body: []byte(txt(KeyPingBody)),
			successPath: txt(KeyPingSuccessPath), successValues: list(txt(KeyPingSuccessValues)),
			failPath: txt(KeyPingFailPath), failValues: list(txt(KeyPingFailValues))},
		paging: shared.Paging{Style: pagingStyle(txt(KeyPaging)), RecordsField: field(txt(KeyRecordsPath)),
			CursorParam: txt(KeyCursorParam), NextCursorField: field(txt(KeyNextCursorPath)),
			NextURLField: field(txt(KeyNextURLPath)), PageParam: txt(KeyPageParam), FirstPage: 1,
			PageSizeParam: txt(KeyPageSizeParam), TotalField: field(txt(KeyTotalPath))},
	}
	s.headers, _ = parseHeaders(cfg[KeyHeaders])
	// The concurrency bounds the requests of one base URI, consumer key
	// and access token in this plugin process.
	id := sha256.Sum256([]byte(base.String() + "\x00" + txt(KeyConsumerKey) + "\x00" + txt(KeyAccessToken)))
	s.conn = httpconn.Conn{Base: base, Signer: s.signer(signer), Concurrency: num(KeyConcurrency), Key: hex.EncodeToString(id[:16])}
	s.conn.Profile = &httpconn.Profile{
		UserAgent: "integrator-http/" + Version, ExamplePath: "/" + strings.TrimPrefix(s.ping.path, "/"),
		RateLimits: httpconn.RateLimits{Statuses: []int{num(KeyRateLimitStatus)}, RetryAfter: txt(KeyRetryAfterHeader)},
		Errors:     errorsAt(txt(KeyPingErrorPath)),
	}
	if rem, reset := txt(KeyRemainingHeader), txt(KeyResetHeader); rem != "" || reset != "" {
		s.conn.Profile.RateLimits.Budgets = []httpconn.Budget{{Scope: "api", Remaining: rem, Reset: reset}}
	}
	return s, ds
}

// signer is the OAuth signer, which with oauth_params_in body first says
// in the user's words why a request without a form body cannot be signed.
func (s *settings) signer(o *oauth1.Signer) httpconn.Signer {
	if !s.inBody {
		return o
	}
	return httpconn.SignerFunc(func(r *http.Request) error {
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), contentTypes["urlencoded"][0]) {
			return errors.New("oauth_params_in is body, but this request has no form body: send it with POST or PUT and a form body, or set oauth_params_in to header or query")
		}
		return o.Sign(r)
	})
}

// request adds the connection's headers, the media type and the timeout
// to what the request does not set itself.
func (s *settings) request(req shared.Request) shared.Request {
	own := names(req.Header)
	req.Header = append([]shared.Header(nil), req.Header...)
	for _, h := range s.headers {
		if !own[http.CanonicalHeaderKey(h.Name)] {
			req.Header = append(req.Header, h)
		}
	}
	own = names(req.Header)
	method := strings.ToUpper(req.Method)
	if !own["Content-Type"] && (len(req.Body) > 0 || s.inBody && (method == http.MethodPost || method == http.MethodPut)) {
		req.Header = append(req.Header, shared.Header{Name: "Content-Type", Value: s.contentType})
	}
	if !own["Accept"] && s.accept != "" {
		req.Header = append(req.Header, shared.Header{Name: "Accept", Value: s.accept})
	}
	if req.Timeout <= 0 {
		req.Timeout = s.timeout
	}
	return req
}

func names(hs []shared.Header) map[string]bool {
	m := make(map[string]bool, len(hs))
	for _, h := range hs {
		m[http.CanonicalHeaderKey(h.Name)] = true
	}
	return m
}

// errorsAt is where the API's error messages are, for the engine:
// "error.message" is the message of the error object (or of each in the
// list) at "error"; "message" is the body's own.
func errorsAt(path string) httpconn.APIErrors {
	if path == "" {
		return httpconn.APIErrors{}
	}
	segs := segments(path)
	list := "$." + strings.Join(segs[:len(segs)-1], ".")
	return httpconn.APIErrors{List: list, Message: segs[len(segs)-1]}
}

// pagingStyle is the style a paging option names: the options are in the
// order of shared.PagingStyle, from PagingNone.
func pagingStyle(option string) shared.PagingStyle {
	return shared.PagingNone + shared.PagingStyle(slices.Index(options[KeyPaging], option))
}

// list splits comma-separated values, trimming spaces.
func list(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// segments are a JSON path's keys, without a leading "$.".
func segments(path string) []string {
	return strings.Split(strings.TrimPrefix(strings.TrimPrefix(path, "$"), "."), ".")
}

// field is a one-key path as the export's field name.
func field(path string) string {
	if path == "" {
		return ""
	}
	return segments(path)[0]
}
