package conformance

import (
	"context"
	"fmt"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// DefaultTimeout bounds each call of the suite unless Options.Timeout
// says otherwise.
const DefaultTimeout = 10 * time.Second

// Options is what the suite cannot guess about a connector.
type Options struct {
	// Sample makes the settings the calls are made with; nil is
	// GenericSample(nil).
	Sample Sample
	// PublicKeys are setting keys that look like credentials but are
	// public by design, besides DefaultPublicKeys.
	PublicKeys []string
	// Log returns everything the connector logged while the suite ran
	// (a plugin's standard error). It is called once, after the last call
	// to the connector. nil: logs are not checked, and the no-secret-leak
	// result says so.
	Log func() string
	// Timeout is the deadline of each call; 0 is DefaultTimeout. A call
	// that has not returned by twice its deadline (at least a second past
	// it) is reported as hung.
	Timeout time.Duration
}

func (o Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

// Result is the outcome of one check.
type Result struct {
	Check  string `json:"check"`            // its name, e.g. "validate-empty"
	About  string `json:"about"`            // what it proves
	OK     bool   `json:"ok"`               // it passed
	Reason string `json:"reason,omitempty"` // why it failed, and what to do
	Note   string `json:"note,omitempty"`   // what it could not look at, when it passed
}

// Report is the outcome of every check, in the order they ran.
type Report struct {
	Results []Result `json:"checks"`
}

// OK reports whether every check passed.
func (r Report) OK() bool {
	for _, res := range r.Results {
		if !res.OK {
			return false
		}
	}
	return len(r.Results) > 0
}

// Failed returns the checks that did not pass.
func (r Report) Failed() []Result {
	var out []Result
	for _, res := range r.Results {
		if !res.OK {
			out = append(out, res)
		}
	}
	return out
}

// TB is the part of testing.TB the suite uses.
type TB interface {
	Helper()
	Logf(format string, args ...any)
	Errorf(format string, args ...any)
}

// Run runs every check on c, a connector in this process, and reports
// each failed check as an error of t (and each passed one in its log).
// Call it from the connector's tests:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, mine.New(logger), conformance.Options{Log: logs.String})
//	}
func Run(t TB, c shared.Connector, o Options) Report {
	t.Helper()
	r := Check(context.Background(), c, o)
	for _, res := range r.Results {
		switch {
		case !res.OK:
			t.Errorf("conformance check %s: FAILED: %s", res.Check, res.Reason)
		case res.Note != "":
			t.Logf("conformance check %s: ok (%s)", res.Check, res.Note)
		default:
			t.Logf("conformance check %s: ok", res.Check)
		}
	}
	return r
}

// Check runs every check on c, a connector in this process. The protocol
// check serves c through the contract's gRPC adapters and asks for its
// schema across them.
func Check(ctx context.Context, c shared.Connector, o Options) Report {
	return run(ctx, c, o, nil)
}

// Plugin is a connector plugin a host started.
type Plugin struct {
	// Connector is the started plugin's connector.
	Connector shared.Connector
	// Protocol is the plugin protocol version the handshake agreed on.
	Protocol int
	// Spec is what the plugin answered to GetSchema when it started.
	Spec schema.Spec
}

// CheckPlugin runs every check on a plugin a host started. Through gRPC,
// a call that outlives its deadline ends with the transport's deadline
// error, so a plugin that ignores its context is found in-process (Run)
// more precisely.
func CheckPlugin(ctx context.Context, p Plugin, o Options) Report {
	return run(ctx, p.Connector, o, &p)
}

// NotStarted is the report of a plugin that could not be started: the
// protocol check fails with err and no other check could run.
func NotStarted(err error) Report {
	var r Report
	for i, c := range checks {
		res := Result{Check: c.name, About: c.about, Reason: "not run: the plugin did not start"}
		if i == 0 {
			res.Reason = fmt.Sprintf("the plugin did not start: %v", err)
		}
		r.Results = append(r.Results, res)
	}
	return r
}

// Checks lists the checks' names and what each proves, in the order they
// run.
func Checks() []Result {
	out := make([]Result, len(checks))
	for i, c := range checks {
		out[i] = Result{Check: c.name, About: c.about}
	}
	return out
}

// check is one check of the suite. run returns nil when it passes, or the
// reason it fails; a note for a check that passed is set on the suite.
type check struct {
	name, about string
	run         func(*suite) error
}

var checks = []check{
	{"protocol", "it speaks the plugin protocol: the handshake's version, and GetSchema answered across the contract's gRPC adapters", (*suite).checkProtocol},
	{"spec", "its schema is well formed: type, name, description, semantic version, and fields with labels and help", (*suite).checkSpec},
	{"secret-keys", "every setting whose key names a credential is marked secret", (*suite).checkSecretKeys},
	{"validate-empty", "Validate of empty settings reports every required setting at once, each on its field", (*suite).checkValidateEmpty},
	{"sample-settings", "settings for a test API pass Validate (the checks below call with them)", (*suite).checkSample},
	{"ping-unreachable", "Ping of an API nothing listens for fails with an error diagnostic, before its deadline", (*suite).checkPingUnreachable},
	{"ping-deadline", "Ping of an API that accepts connections but never answers ends at its deadline, and the connector still answers", (*suite).checkPingDeadline},
	{"foreign-host", "DoRequest refuses a URL on a host the settings do not name, with a diagnostic, sending nothing", (*suite).checkForeignHost},
	{"no-secret-leak", "no secret value appears in a diagnostic, error, fact, response head or body, or log line", (*suite).checkNoLeak},
}

// run runs the checks in order; plugin is nil for a connector in this
// process.
func run(ctx context.Context, c shared.Connector, o Options, plugin *Plugin) Report {
	s := newSuite(ctx, c, o, plugin)
	defer s.close()
	var r Report
	for _, ch := range checks {
		s.note = ""
		res := Result{Check: ch.name, About: ch.about}
		if err := ch.run(s); err != nil {
			res.Reason = err.Error()
		} else {
			res.OK, res.Note = true, s.note
		}
		r.Results = append(r.Results, res)
	}
	return r
}
