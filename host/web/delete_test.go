package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/app"
	"github.com/openintegrator/integrator/shared"
)

// A connection a run uses is not deleted (its confirmation names the run
// and offers no button, a post is refused with 409); once the run stopped
// unfinished, the delete is refused until the user ticks that its
// unfinished work may be forgotten, as the CLI's --force.
func TestDeleteRefusedWhileARunUsesIt(t *testing.T) {
	s := startSim(t, "--campaigns", "400", "--fault", "slow,delay=100ms,method=GET")
	c := startConsole(t)
	cl := c.signedIn(t)
	if r := cl.post("/connections/new", s.twitterAdsForm("Prod", s["token_secret"], "save")); r.status != http.StatusSeeOther {
		t.Fatalf("create: %d", r.status)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	out := filepath.Join(t.TempDir(), "campaigns.jsonl")
	go func() {
		_, err := c.app.Export(ctx, app.Flow{Connection: "Prod"}, app.ExportOptions{
			Path: "accounts/" + s["account_id"] + "/campaigns", Params: []shared.Param{{Key: "count", Value: "20"}}, Out: out})
		done <- err
	}()
	waitFor(t, "the export to start", func() bool {
		w, err := c.app.Work(context.Background(), "Prod")
		return err == nil && len(w.Running) > 0
	})

	page := cl.get("/connections/Prod/delete")
	if !strings.Contains(page.body, "These runs are using it") || !strings.Contains(page.body, "export of accounts/"+s["account_id"]+"/campaigns") ||
		strings.Contains(page.body, "<button") {
		t.Errorf("the confirmation while a run uses it: %s", page.body)
	}
	r := cl.post("/connections/Prod/delete", url.Values{"forget": {"1"}})
	if r.status != http.StatusConflict || !strings.Contains(r.body, "A run is using this connection: nothing was deleted") {
		t.Errorf("delete while a run uses it: %d %s", r.status, r.body)
	}
	if _, ok := c.connection(t, "Prod"); !ok {
		t.Fatal("deleted while a run used it")
	}

	waitFor(t, "a page to be saved", func() bool {
		fi, err := os.Stat(out + ".part")
		return err == nil && fi.Size() > 0
	})
	stop()
	var stopped *app.StoppedError
	if err := <-done; !errors.As(err, &stopped) {
		t.Fatalf("the stopped export: %v", err)
	}
	page = cl.get("/connections/Prod/delete")
	if !strings.Contains(page.body, "unfinished work that deleting it would forget") || !strings.Contains(page.body, out+".part") || !strings.Contains(page.body, `name="forget"`) {
		t.Errorf("the confirmation with unfinished work: %s", page.body)
	}
	if r := cl.post("/connections/Prod/delete", nil); r.status != http.StatusConflict || !strings.Contains(r.body, "tick the box to forget it") {
		t.Errorf("delete with unfinished work, not ticked: %d", r.status)
	}
	if _, ok := c.connection(t, "Prod"); !ok {
		t.Fatal("deleted with unfinished work without the box ticked")
	}
	if r := cl.post("/connections/Prod/delete", url.Values{"forget": {"1"}}); r.status != http.StatusSeeOther {
		t.Errorf("delete with the box ticked: %d %s", r.status, r.body)
	}
	if _, ok := c.connection(t, "Prod"); ok {
		t.Error("not deleted with the box ticked")
	}
}

// waitFor polls cond until it holds, failing the test after a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
