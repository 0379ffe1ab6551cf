// Package conformance is the suite of checks every connector plugin must
// pass, whatever API it speaks: its schema is well formed, credential-like
// settings are secret, Validate reports every missing setting at once, Ping
// fails with a diagnostic and within its deadline when the API cannot be
// reached, DoRequest refuses a host the settings do not name, no secret
// value shows in anything the connector says or logs, and it speaks the
// plugin protocol.
//
// A connector author calls Run from the connector's own tests, with the
// connector in the test's process; a host calls CheckPlugin on a plugin it
// started (`integrator plugins check TYPE`). Both run the same checks and
// return the same Report, one Result per check.
//
// The suite knows no setting key and no API. What it cannot guess comes in
// Options: the settings to call with (by default made from the schema, see
// GenericSample), keys that look like credentials but are public by
// design, and the connector's log. Every call goes to addresses on this
// machine that the suite serves itself or knows to be closed; nothing
// leaves the machine.
//
// It is not a test of any one connector's behaviour against its API: that
// belongs in the connector's own tests.
package conformance
