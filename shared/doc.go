// Package shared is the contract between the integrator host and its
// connector plugins.
//
// Plugin authors implement Connector with the public Go types of this package
// and package schema, and call Serve from main. Hosts call Start (or
// NewClient) to run a plugin binary and get a Connector back. In between,
// go-plugin runs the plugin as a child process and this package carries the
// calls over gRPC (protocol version ProtocolVersion, proto package
// integrator.connector.v1 in shared/proto/connectorv1).
//
// The generated protobuf types never appear in this package's API: the
// adapters in client.go and server.go convert at the boundary (convert*.go).
//
// Failures of the remote system or of the user's input are data
// (schema.Diagnostic) in the results. A Go error from a Connector method means
// the plugin process or the transport failed.
//
// Package shared imports package schema and nothing else of the project. It
// is not the place for connector logic or host policy.
package shared
