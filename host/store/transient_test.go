package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// Transient tells the errors a queued job should meet again later (lost
// conflicts, broken connections) from those it would meet every time.
func TestTransient(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("saving the page: %w", &pgconn.PgError{Code: code}) }
	cases := []struct {
		err  error
		want bool
	}{
		{pg("40001"), true},  // serialization failure, after maxWriteAttempts
		{pg("40P01"), true},  // deadlock
		{pg("08006"), true},  // connection failure
		{pg("57P01"), true},  // admin shutdown
		{pg("53300"), true},  // too many connections
		{pg("23505"), false}, // unique violation
		{pg("42P01"), false}, // undefined table
		{fmt.Errorf("x: %w", driver.ErrBadConn), true},
		{ErrStaleCheckpoint, false},
		{errors.New("HTTP 404"), false},
		{context.Canceled, false},
	}
	for _, c := range cases {
		if got := Transient(c.err); got != c.want {
			t.Errorf("Transient(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
