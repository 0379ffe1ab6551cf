package twitterads

import (
	"cmp"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/plugin/oauth1"
	"github.com/openintegrator/integrator/schema"
)

// settings are a validated connection configuration, ready to use.
type settings struct {
	conn    httpconn.Conn
	version string
	account string
}

// parseSettings validates cfg (locally) and returns the settings with
// defaults filled in, for the engine with profile p. When the diagnostics
// hold an error, nothing may be sent.
func parseSettings(cfg schema.Config, p *httpconn.Profile) (settings, schema.Diagnostics) {
	ds := validate(cfg)
	if ds.HasError() {
		return settings{}, ds
	}
	cfg = cfg.WithDefaults(Spec())
	// An empty value (as from --set api_version=) means the default too.
	version := cmp.Or(cfg.Text(KeyAPIVersion), DefaultAPIVersion)
	base, err := httpconn.ParseBase(cmp.Or(cfg.Text(KeyBaseURI), DefaultBaseURI))
	if err != nil { // validate accepted it, so this does not happen
		return settings{}, append(ds, schema.Errorf(KeyBaseURI, schema.CodeInvalidURL, "use an address such as "+DefaultBaseURI,
			"Base URI is not a URL"))
	}
	return settings{
		conn: httpconn.Conn{
			Profile: p,
			Base:    base,
			Prefix:  versionPrefix(version),
			Signer: &oauth1.Signer{
				ConsumerKey:    cfg.Text(KeyConsumerKey),
				ConsumerSecret: cfg.Text(KeyConsumerSecret),
				Token:          cfg.Text(KeyAccessToken),
				TokenSecret:    cfg.Text(KeyTokenSecret),
			},
		},
		version: version,
		account: cfg.Text(KeyAccountID),
	}, ds
}
