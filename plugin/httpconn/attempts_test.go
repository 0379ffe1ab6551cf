package httpconn

import (
	"strings"
	"testing"

	"github.com/openintegrator/integrator/shared"
)

// Attempts spent say so and what the user can do, naming no option that
// does not exist (there is no maximum attempts to raise).
func TestAttemptsExhaustedSaysWhatToDo(t *testing.T) {
	a := newAPI(t)
	a.setAnswer(script(status(503), status(503)))
	resp, _ := do(t, newTestEngine(Options{}), testConn(t, a.URL), shared.Request{URL: "items", MaxAttempts: 2})
	for _, d := range resp.Diagnostics {
		if d.Code != CodeAttemptsExhausted {
			continue
		}
		if want := "gave up after 2 attempts (try again later)"; d.Error() != want {
			t.Errorf("%q, want %q", d.Error(), want)
		}
		if strings.Contains(d.Error(), "maximum attempts") {
			t.Errorf("names an option that does not exist: %q", d.Error())
		}
		return
	}
	t.Errorf("no %s diagnostic in %v", CodeAttemptsExhausted, resp.Diagnostics)
}
