// Package connections turns what a user typed into a connection's settings,
// and saves and loads connections with their secrets sealed.
//
// It is driven entirely by the connector's schema.Spec: which fields exist,
// their kinds, which are secret and required. It knows no connector's field
// names. It does not talk to plugins; the host core (host/app) runs Validate
// and Ping through the plugin before it asks this package to save.
package connections
