// Package schema describes the settings a connector asks for and checks a
// configuration against them.
//
// A connector publishes a Spec: its type id, display name, version, the
// Sections a form shows in order (each with a title, help, and whether it
// is advanced), and the Fields a connection needs (key, label, help, kind,
// required, secret, default, enum options, int range, the view and section
// the field belongs to, and the Condition under which it applies). A host
// renders forms and prompts from the Spec, and both sides run the same
// generic validation (Spec.Validate) so that a user sees every problem at
// once, each tied to its field. Fields that do not apply (Spec.Shown) are
// neither asked for nor required. A fixed field (Field.Fixed) shows the one
// value a connector uses for a setting that others let the user choose.
//
// A Spec may declare Conversions: how a connection of its type becomes one
// of another type, each target setting from a source setting, a value, or
// a Template of source values. Spec.Convert applies one; it knows neither
// connector, only the two specs.
//
// Values travel as typed Values in a Config: strings, bools, ints and
// key/value lists (KV), whose entries are each secret or not. Printing a
// Value or a Config with the fmt package never shows the value itself, so
// a secret cannot leak through a careless log line; read values with the
// explicit accessors. Display and Scrubber keep secret fields and secret
// entries out of what a user or a log sees.
//
// Package schema is pure Go and imports nothing else of the project. It is not
// the wire format (see package shared) and it knows nothing of any particular
// connector.
package schema
