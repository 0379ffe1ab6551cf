package shared

import (
	"github.com/hashicorp/go-plugin"
)

// ProtocolVersion is the application protocol version of this contract. It
// must equal the major version in the proto package name
// (integrator.connector.v1); a test pins the two together.
const ProtocolVersion = 1

// PluginName is the name under which the connector is dispensed.
const PluginName = "connector"

// Handshake is the go-plugin handshake every connector plugin and host share.
// The magic cookie only keeps a plugin binary from being run by hand by
// mistake; it is not a security measure.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "INTEGRATOR_CONNECTOR_PLUGIN",
	MagicCookieValue: "7c1b5f0e-integrator-connector",
}

// VersionedPlugins returns the plugin sets by protocol version. A host passes
// nil (it only needs the types); a plugin passes its implementation.
func VersionedPlugins(impl Connector) map[int]plugin.PluginSet {
	return map[int]plugin.PluginSet{
		ProtocolVersion: {PluginName: &GRPCPlugin{Impl: impl}},
	}
}
