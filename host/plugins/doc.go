// Package plugins finds connector plugin binaries in the plugin folders and
// starts them through the shared contract.
//
// Discovery looks for executables named integrator-connector-<type>; a file
// that is not a usable plugin is reported with a reason and never stops the
// others from loading. Starting a plugin always goes through shared.Start,
// which completes the go-plugin handshake and asks for the schema.
//
// Package plugins does not keep plugins running between commands, and holds
// no connection settings.
package plugins
