package app

import (
	"fmt"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/shared"
)

// The console's runs are pinned too: a stopped run whose connection was
// deleted, and another created under its name, is not resumed through
// that other connection: its simulator receives no request.
func TestRunManagerResumeRefusesAnotherConnectionOfTheName(t *testing.T) {
	ctx := testCtx(t)
	a, e, _ := testApp(t)
	// The second page hangs, so that the run can be stopped.
	s := startSim(t, "--campaigns", "30", "--fault", "slow,delay=60s,path=/campaigns,every=2,times=1")
	create(t, a, e, s, "Prod")
	m := NewRunManager(a, RunManagerOptions{OptionName: label})
	defer m.Close()
	opts := ExportOptions{Path: "accounts/" + s["account_id"] + "/campaigns", Params: []shared.Param{{Key: "count", Value: "10"}}}
	rec, err := m.StartExport(ctx, "Prod", opts)
	if err != nil {
		t.Fatal(err)
	}
	waitForASavedPage(t, a, "Prod")
	if err := m.Stop(ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	if v := waitEnd(t, m, rec.ID); v.Run.Outcome != OutcomeStopped {
		t.Fatalf("the stopped run: %+v", v.Run)
	}
	if _, err := a.DeleteConnection(ctx, "Prod", true); err != nil {
		t.Fatal(err)
	}
	s2 := startSim(t, "--campaigns", "30")
	create(t, a, e, s2, "Prod")
	before := sentTo(t, a, "Prod")
	_, err = m.Resume(ctx, rec.ID)
	if !isStateError(err) || !strings.Contains(err.Error(), `its connection "Prod" was deleted after it started, and the connection named "Prod" now is another one`) {
		t.Errorf("resuming the run: %v", err)
	}
	if err == nil {
		waitEnd(t, m, rec.ID)
	}
	if after := sentTo(t, a, "Prod"); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the new Prod's simulator received requests: before the resume %v, after %v", before, after)
	}
}
