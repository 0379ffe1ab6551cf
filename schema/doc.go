// Package schema describes the settings a connector asks for and checks a
// configuration against them.
//
// A connector publishes a Spec: its type id, display name, version and the
// Fields a connection needs (key, label, help, kind, required, secret,
// default, enum options and the view the field belongs to). A host renders
// forms and prompts from the Spec, and both sides run the same generic
// validation (Spec.Validate) so that a user sees every problem at once, each
// tied to its field.
//
// Values travel as typed Values in a Config. Printing a Value or a Config
// with the fmt package never shows the value itself, so a secret cannot leak
// through a careless log line; read values with the explicit accessors.
//
// Package schema is pure Go and imports nothing else of the project. It is not
// the wire format (see package shared) and it knows nothing of any particular
// connector.
package schema
