package app

import (
	"bytes"
	"testing"
)

// A run in one process on a PostgreSQL store shares the API's budgets
// with the workers that may use the same store (their rows in
// rate_limits); on SQLite, alone on its machine, it keeps its own.
func TestOneProcessRunOnPostgresSharesTheRateLimits(t *testing.T) {
	a, s, _ := queueApp(t)
	ctx := testCtx(t)
	var out bytes.Buffer
	if _, err := a.Export(ctx, Flow{Connection: "Prod", Stdout: &out}, ExportOptions{Path: "accounts/" + s["account_id"] + "/campaigns", MaxRecords: 10}); err != nil {
		t.Fatal(err)
	}
	if n := rateLimitRows(t, a); n == 0 {
		t.Errorf("an export on a PostgreSQL store left no shared rate-limit row")
	}
}
