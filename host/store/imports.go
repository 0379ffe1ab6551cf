package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Ledger names an import ledger: what one connection sent with one method
// to one path template (and batch path) in one body mode. Scope is a hash
// of those; records in it are known by what they are, so any input file
// holding a record finds its outcome.
type Ledger struct {
	ConnectionID string
	Scope        string
}

// RecordKey identifies a record in a ledger: the SHA-256 of its canonical
// JSON, and which occurrence of that record in its input it is (from 1),
// so that two identical lines are two records.
type RecordKey struct {
	Hash       string
	Occurrence int64
}

// The states of an import record.
const (
	ImportSending = "sending" // a run has it: its request is handed to the plugin, or about to be
	ImportOK      = "ok"      // the API applied it
	ImportFailed  = "failed"  // it was not applied
	ImportUnknown = "unknown" // it may or may not have been applied
)

// ImportRecord is what a ledger holds of one record.
type ImportRecord struct {
	Key       RecordKey
	State     string
	Status    int    // the HTTP status, 0 when there was no answer
	CreatedID string // the id the API gave a created entity
	Code      string // an error code: the API's or the connector's
	Message   string
	Owner     string // the run that last claimed it
	UpdatedAt time.Time
}

// MessageStoppedWhileSending is the outcome of a create that a run which
// is gone left "sending".
const MessageStoppedWhileSending = "an earlier run stopped while sending it, so the API may have applied it; check before sending it again"

// CodeOutcomeUnknown is the code of an outcome that may or may not have
// been applied.
const CodeOutcomeUnknown = "outcome_unknown"

// ClaimPolicy says which records a run may claim.
type ClaimPolicy struct {
	RunID string
	// Again takes records that are done (ok or unknown) too: the user
	// asked to send them again.
	Again bool
	// ResendInFlight takes a record that a run which is gone left
	// "sending" (its request is idempotent); without it such a record
	// becomes "unknown" and is not taken.
	ResendInFlight bool
	// Attempts, when not "", starts the RunID of every attempt of one
	// queued run (a chunk run again after its worker died claims as
	// another attempt): a record an attempt of it did is never taken
	// again because of Again, which is about records done before the run.
	Attempts string
}

// ours reports whether owner is an attempt of the policy's queued run.
func (p ClaimPolicy) ours(owner string) bool {
	return p.Attempts != "" && strings.HasPrefix(owner, p.Attempts)
}

// Claim is the result of claiming one record. A record not taken is done
// (Held holds its outcome), or held by another run that is alive
// (Held.State is ImportSending and Held.Owner names the run).
type Claim struct {
	Key   RecordKey
	Taken bool
	Held  ImportRecord
}

// LedgerOp is a change to a ledger: claims, or outcomes to store.
// ApplyLedger fills Claims, one per key of Claim, in order.
type LedgerOp struct {
	Claim  []RecordKey
	Policy ClaimPolicy
	Record []ImportRecord
	Claims []Claim
}

// ImportOutcome returns what the ledger holds of a record; ok is false
// when it holds nothing.
func (s *Store) ImportOutcome(ctx context.Context, l Ledger, k RecordKey) (ImportRecord, bool, error) {
	r, err := scanRecord(s.db.QueryRowContext(ctx, recordQuery, l.Scope, k.Hash, k.Occurrence))
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}

const recordQuery = `SELECT record, occurrence, state, status, created_id, code, message, owner, updated_at
	FROM import_ledger WHERE scope = ? AND record = ? AND occurrence = ?`

func scanRecord(row interface{ Scan(...any) error }) (ImportRecord, error) {
	var r ImportRecord
	var at int64
	err := row.Scan(&r.Key.Hash, &r.Key.Occurrence, &r.State, &r.Status, &r.CreatedID, &r.Code, &r.Message, &r.Owner, &at)
	r.UpdatedAt = time.Unix(0, at)
	return r, err
}

// ApplyLedger applies ops in one transaction, in order. A record is
// claimed in the same transaction that checks it, so two runs never both
// take one. Outcomes are stored only for records the storing run owns.
func (s *Store) ApplyLedger(ctx context.Context, l Ledger, ops []*LedgerOp) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		now := time.Now().UnixNano()
		for _, op := range ops {
			op.Claims = op.Claims[:0]
			for _, k := range op.Claim {
				c, err := claim(ctx, tx, l, k, op.Policy, now)
				if err != nil {
					return err
				}
				op.Claims = append(op.Claims, c)
			}
			for _, r := range op.Record {
				if err := storeOutcome(ctx, tx, l, r, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func claim(ctx context.Context, tx *sql.Tx, l Ledger, k RecordKey, p ClaimPolicy, now int64) (Claim, error) {
	c := Claim{Key: k}
	held, err := scanRecord(tx.QueryRowContext(ctx, recordQuery, l.Scope, k.Hash, k.Occurrence))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err := tx.ExecContext(ctx, `INSERT INTO import_ledger (scope, record, occurrence, connection_id, state, owner, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, l.Scope, k.Hash, k.Occurrence, l.ConnectionID, ImportSending, p.RunID, now)
		c.Taken = err == nil
		return c, err
	case err != nil:
		return c, err
	}
	take := false
	again := p.Again && !p.ours(held.Owner)
	switch {
	case held.Owner == p.RunID || held.State == ImportFailed:
		take = true
	case held.State == ImportSending:
		var alive int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM run_leases WHERE run_id = ?`, held.Owner).Scan(&alive)
		if err != nil {
			return c, err
		}
		switch {
		case alive > 0:
			// Another run has it: it is not ours to send.
		case again || p.ResendInFlight:
			take = true
		default:
			held.State, held.Code, held.Message = ImportUnknown, CodeOutcomeUnknown, MessageStoppedWhileSending
			if _, err := tx.ExecContext(ctx, `UPDATE import_ledger SET state = ?, code = ?, message = ?, updated_at = ?
				WHERE scope = ? AND record = ? AND occurrence = ?`, held.State, held.Code, held.Message, now, l.Scope, k.Hash, k.Occurrence); err != nil {
				return c, err
			}
		}
	default: // ok or unknown
		take = again
	}
	if !take {
		c.Held = held
		return c, nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE import_ledger SET state = ?, status = 0, created_id = '', code = '', message = '', owner = ?, updated_at = ?
		WHERE scope = ? AND record = ? AND occurrence = ?`, ImportSending, p.RunID, now, l.Scope, k.Hash, k.Occurrence)
	c.Taken = err == nil
	return c, err
}

func storeOutcome(ctx context.Context, tx *sql.Tx, l Ledger, r ImportRecord, now int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO import_ledger (scope, record, occurrence, connection_id, state, status, created_id, code, message, owner, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (scope, record, occurrence) DO UPDATE SET state = excluded.state, status = excluded.status,
			created_id = excluded.created_id, code = excluded.code, message = excluded.message, updated_at = excluded.updated_at
		WHERE import_ledger.owner = excluded.owner`,
		l.Scope, r.Key.Hash, r.Key.Occurrence, l.ConnectionID, r.State, r.Status, r.CreatedID, r.Code, r.Message, r.Owner, now)
	return err
}

// ImportCounts returns how many records of a connection's ledgers are in
// each state.
func (s *Store) ImportCounts(ctx context.Context, connectionID string) (map[string]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT state, count(*) FROM import_ledger WHERE connection_id = ? GROUP BY state`, connectionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var state string
		var n int64
		if err := rows.Scan(&state, &n); err != nil {
			return nil, err
		}
		out[state] = n
	}
	return out, rows.Err()
}
