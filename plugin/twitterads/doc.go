// Package twitterads is the Twitter Ads (X Ads API) connector: its setting
// schema, local validation of those settings, the connection test (Ping) and
// signed API requests (DoRequest).
//
// It implements shared.Connector and is served as a plugin by
// plugin/cmd/integrator-connector-twitter-ads. It never imports host code; the
// host reaches it only through the plugin contract.
package twitterads
