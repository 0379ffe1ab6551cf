package store

import (
	"context"
	"testing"
)

// rebind numbers the store's ? placeholders, but leaves alone a query
// that already has $n ones (River's), whose ? is PostgreSQL's JSON
// operator.
func TestRebindLeavesNumberedQueries(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`SELECT a FROM t WHERE b = ? AND c = ?`, `SELECT a FROM t WHERE b = $1 AND c = $2`},
		{`SELECT '?' FROM t WHERE b = ?`, `SELECT '?' FROM t WHERE b = $1`},
		{`SELECT id FROM river_job WHERE id = $1 AND metadata ? 'cancel_attempted_at'`,
			`SELECT id FROM river_job WHERE id = $1 AND metadata ? 'cancel_attempted_at'`},
		{`UPDATE river_job SET metadata = $12 WHERE metadata ? 'x' AND kind = $3`,
			`UPDATE river_job SET metadata = $12 WHERE metadata ? 'x' AND kind = $3`},
		{`SELECT '$' FROM t WHERE b = ?`, `SELECT '$' FROM t WHERE b = $1`},
	} {
		if got := rebind(c.in); got != c.want {
			t.Errorf("rebind(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// On PostgreSQL, a query with $n placeholders and the JSON ? operator
// runs through the store's connection as written.
func TestNumberedQueryWithJSONOperator(t *testing.T) {
	s := open(t, postgresBackend.place(t))
	var has bool
	var n int
	err := s.db.QueryRowContext(context.Background(), `SELECT '{"a": 1}'::jsonb ? 'a', $1::int`, 7).Scan(&has, &n)
	if err != nil {
		t.Fatal(err)
	}
	if !has || n != 7 {
		t.Fatalf("got %v %d, want true 7", has, n)
	}
}
