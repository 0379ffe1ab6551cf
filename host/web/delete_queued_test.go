package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/host/app"
	"github.com/openintegrator/integrator/host/store/storetest"
)

// The console's delete of a connection with a queued run that has not
// ended is refused (409) like the CLI's, through the same core function:
// the page names the run and the commands that end it, and nothing is
// deleted.
func TestDeleteRefusedWhileAQueuedRunHasNotEnded(t *testing.T) {
	pg := storetest.PostgresURL(t, "this test of queued runs needs PostgreSQL and is SKIPPED (make test-postgres runs it)")
	s := startSim(t)
	c := startConsoleWith(t, consoleConfig{env: map[string]string{app.StoreEnv: pg}})
	cl := c.signedIn(t)
	if r := cl.post("/connections/new", s.twitterAdsForm("Prod", s["token_secret"], "save")); r.status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	run, err := c.app.QueueExport(context.Background(), "Prod", app.ExportOptions{Path: "accounts/" + s["account_id"] + "/campaigns"})
	if err != nil {
		t.Fatal(err)
	}
	r := cl.post("/connections/Prod/delete", url.Values{"forget": {"1"}})
	for _, want := range []string{"Queued runs pinned to this connection have not ended", "nothing was deleted",
		"run " + run.ID + ": export", "integrator runs cancel ID", "--cancel-runs"} {
		if r.status != http.StatusConflict || !strings.Contains(r.body, want) {
			t.Errorf("delete with a queued run: %d, lacks %q:\n%s", r.status, want, r.body)
		}
	}
	if _, ok := c.connection(t, "Prod"); !ok {
		t.Fatal("deleted with a queued run")
	}
}
