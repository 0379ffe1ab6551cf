package twitterads

import "github.com/openintegrator/integrator/schema"

// Version is the connector's version, set at build time with
// -ldflags "-X github.com/openintegrator/integrator/plugin/twitterads.Version=...".
var Version = "0.1.0-dev"

// TypeID is the connector type id; scripts depend on it.
const TypeID = "twitter-ads"

// Setting keys; scripts depend on them.
const (
	KeyConsumerKey    = "consumer_key"
	KeyConsumerSecret = "consumer_secret"
	KeyAccessToken    = "access_token"
	KeyTokenSecret    = "token_secret"
	KeyBaseURI        = "base_uri"
	KeyAPIVersion     = "api_version"
	KeyAccountID      = "account_id"
)

// Defaults of the HTTP view.
const (
	DefaultBaseURI    = "https://ads-api.x.com"
	DefaultAPIVersion = "12"
)

const secretNote = " It is encrypted when the connection is saved, never shown again, and must be re-entered whenever the connection is edited."

const portalKeys = "In the X developer portal open Projects & Apps, choose the app that has Ads API access, then Keys and tokens."

// Spec returns the connector's setting schema: the simple view (the
// credentials), then the HTTP view, which holds the settings of the
// universal OAuth 1.0 HTTP connector with the values the X Ads API needs,
// editable (base URI, API version) or fixed (see httpView).
func Spec() schema.Spec {
	s := schema.Spec{
		Type:        TypeID,
		Name:        "Twitter Ads",
		Description: "The X (Twitter) Ads API: accounts, campaigns, line items, promoted tweets and analytics, signed with OAuth 1.0a.",
		Version:     Version,
		Fields: []schema.Field{
			{
				Key: KeyConsumerKey, Label: "Consumer key", Kind: schema.KindString, Required: true, View: schema.ViewSimple,
				Help: "The API key of the Ads API app. " + portalKeys + " It is listed under Consumer keys as API Key.",
			},
			{
				Key: KeyConsumerSecret, Label: "Consumer secret", Kind: schema.KindString, Required: true, Secret: true, View: schema.ViewSimple,
				Help: "The API key secret of the same app, under Consumer keys as API Key Secret (regenerate it there if it was lost)." + secretNote,
			},
			{
				Key: KeyAccessToken, Label: "Access token", Kind: schema.KindString, Required: true, Secret: true, View: schema.ViewSimple,
				Help: "The access token of the user who can use the ads account, of the form <digits>-<letters and digits>. " + portalKeys +
					" It is under Authentication tokens as Access Token; generate it after the app was approved for the Ads API." + secretNote,
			},
			{
				Key: KeyTokenSecret, Label: "Token secret", Kind: schema.KindString, Required: true, Secret: true, View: schema.ViewSimple,
				Help: "The access token secret, shown with the access token under Authentication tokens." + secretNote,
			},
			{
				Key: KeyAccountID, Label: "Ads account ID", Kind: schema.KindString, View: schema.ViewSimple,
				Help: "An ads account id such as 18ce54d4x5t, shown in ads.x.com in the account switcher and in the URL. When set, the connection test checks access to this account; without it, each test lists the accounts (GET accounts), which the API allows only 5 times in 15 minutes per user.",
			},
			{
				Key: KeyBaseURI, Label: "Base URI", Kind: schema.KindURL, Default: DefaultBaseURI, View: schema.ViewHTTP,
				Help: "Where the Ads API is served. The sandbox is https://ads-api-sandbox.x.com. Plain http is accepted only for loopback addresses, for local testing against a simulator.",
			},
			{
				Key: KeyAPIVersion, Label: "API version", Kind: schema.KindString, Default: DefaultAPIVersion, View: schema.ViewHTTP,
				Help: "The Ads API version, the first segment of every path (12 is current).",
			},
		},
		Conversions: []schema.Conversion{toHTTP},
	}
	s.Fields = append(s.Fields, httpView()...)
	return s
}

// credentialKeys are the fields that hold parts of the OAuth credentials.
var credentialKeys = []string{KeyConsumerKey, KeyConsumerSecret, KeyAccessToken, KeyTokenSecret}
