package twitterads

import (
	"cmp"
	"net/url"
	"strings"

	"github.com/openintegrator/integrator/plugin/oauth1"
	"github.com/openintegrator/integrator/schema"
)

// settings are a validated connection configuration, ready to use.
type settings struct {
	base    *url.URL // scheme and host of the API, and a path prefix without a trailing "/"
	version string
	account string
	signer  *oauth1.Signer
}

// parseSettings validates cfg (locally) and returns the settings with
// defaults filled in. When the diagnostics hold an error, nothing may be
// sent.
func parseSettings(cfg schema.Config) (settings, schema.Diagnostics) {
	ds := validate(cfg)
	if ds.HasError() {
		return settings{}, ds
	}
	cfg = cfg.WithDefaults(Spec())
	// An empty value (as from --set api_version=) means the default too.
	version := cmp.Or(cfg.Text(KeyAPIVersion), DefaultAPIVersion)
	base, err := url.Parse(cmp.Or(cfg.Text(KeyBaseURI), DefaultBaseURI))
	if err != nil { // validate accepted it, so this does not happen
		return settings{}, append(ds, schema.Errorf(KeyBaseURI, schema.CodeInvalidURL, "use an address such as "+DefaultBaseURI,
			"Base URI is not a URL"))
	}
	base = &url.URL{
		Scheme:  strings.ToLower(base.Scheme),
		Host:    strings.ToLower(base.Host),
		Path:    strings.TrimSuffix(base.Path, "/"),
		RawPath: strings.TrimSuffix(base.RawPath, "/"),
	}
	return settings{
		base:    base,
		version: version,
		account: cfg.Text(KeyAccountID),
		signer: &oauth1.Signer{
			ConsumerKey:    cfg.Text(KeyConsumerKey),
			ConsumerSecret: cfg.Text(KeyConsumerSecret),
			Token:          cfg.Text(KeyAccessToken),
			TokenSecret:    cfg.Text(KeyTokenSecret),
		},
	}, ds
}
