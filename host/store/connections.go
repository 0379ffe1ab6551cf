package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openintegrator/integrator/host/secrets"
	"github.com/openintegrator/integrator/schema"
)

// Connection is a saved connection. Values holds the non-secret settings;
// Secrets holds the sealed ones. A key/value list with secret entries is in
// both: in Values without its secret values (to show it), and sealed whole
// in Secrets (what is used).
type Connection struct {
	ID        string
	Name      string
	Type      string
	Values    schema.Config
	Secrets   map[string]secrets.Sealed
	CreatedAt time.Time
	UpdatedAt time.Time
	LastTest  *TestResult
}

// TestResult is the outcome of the last connection test.
type TestResult struct {
	OK   bool
	At   time.Time
	Note string // a one-line summary, never a secret
}

// NameKey is the form under which names are unique: case-insensitive.
func NameKey(name string) string { return strings.ToLower(name) }

// A KeyCheck is given the ids of the master keys that sealed the secrets
// a write keeps (every stored secret but those the write replaces), inside
// the write's transaction; an error cancels the write, which then changes
// nothing. No other write can come between the check and the write.
type KeyCheck func(keyIDs []string) error

// Create saves a new connection, values and secrets in one transaction,
// after the checks accept the stored secrets' key ids.
func (s *Store) Create(ctx context.Context, c Connection, checks ...KeyCheck) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := checkKeys(ctx, tx, "", checks); err != nil {
			return err
		}
		now := time.Now().UnixNano()
		_, err := tx.ExecContext(ctx,
			`INSERT INTO connections (id, name, name_key, type, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			c.ID, c.Name, NameKey(c.Name), c.Type, now, now)
		if err != nil {
			if s.d.uniqueViolation(err, "name_key") {
				return fmt.Errorf("%w: %q", ErrNameTaken, c.Name)
			}
			return err
		}
		return putSettings(ctx, tx, c)
	})
}

// Update replaces a connection's settings and secrets in one transaction.
// The connection must exist; its id, name and type stay. The checks see
// the key ids of every other connection's secrets: this one's are
// replaced.
func (s *Store) Update(ctx context.Context, c Connection, checks ...KeyCheck) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := checkKeys(ctx, tx, c.ID, checks); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE connections SET updated_at = ?, test_ok = NULL, test_at = NULL, test_note = NULL WHERE id = ?`,
			time.Now().UnixNano(), c.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		for _, table := range []string{"connection_values", "connection_secrets"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE connection_id = ?", c.ID); err != nil {
				return err
			}
		}
		return putSettings(ctx, tx, c)
	})
}

// KeyIDs returns the ids of the master keys that sealed the stored
// secrets, sorted, leaving out those of connection id except (which may be
// "").
func (s *Store) KeyIDs(ctx context.Context, except string) ([]string, error) {
	return keyIDs(ctx, s.db, except)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// keyIDs lists the distinct key ids of the stored secrets, leaving out
// those of connection except.
func keyIDs(ctx context.Context, q querier, except string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT key_id FROM connection_secrets WHERE connection_id <> ? ORDER BY key_id`, except)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func checkKeys(ctx context.Context, tx *sql.Tx, except string, checks []KeyCheck) error {
	if len(checks) == 0 {
		return nil
	}
	ids, err := keyIDs(ctx, tx, except)
	if err != nil {
		return err
	}
	for _, check := range checks {
		if err := check(ids); err != nil {
			return err
		}
	}
	return nil
}

func putSettings(ctx context.Context, tx *sql.Tx, c Connection) error {
	for _, k := range c.Values.Keys() {
		v := c.Values[k]
		text, err := encodeValue(v)
		if err != nil {
			return fmt.Errorf("setting %s: %w", k, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO connection_values (connection_id, key, type, value) VALUES (?, ?, ?, ?)`,
			c.ID, k, int(v.Type()), text); err != nil {
			return err
		}
	}
	for k, sv := range c.Secrets {
		if _, err := tx.ExecContext(ctx, `INSERT INTO connection_secrets (connection_id, key, key_id, nonce, ciphertext) VALUES (?, ?, ?, ?, ?)`,
			c.ID, k, sv.KeyID, sv.Nonce, sv.Ciphertext); err != nil {
			return err
		}
	}
	return nil
}

// Delete removes a connection by name (case-insensitive), with its
// checkpoints and ledgers. A connection a run holds a lease on is not
// deleted (ErrInUse): call Running first, which clears the leases of runs
// that are gone.
func (s *Store) Delete(ctx context.Context, name string) error {
	return s.DeleteGuarded(ctx, name, nil)
}

// ConnGuard is more work of a delete or conversion of the connection of
// id, in its transaction, after the lease check and before the change:
// its error changes nothing and is returned. It may run more than once
// (see AddArtifacts).
type ConnGuard func(tx *sql.Tx, connectionID string) error

// DeleteGuarded is Delete with guard (when not nil) in its transaction.
func (s *Store) DeleteGuarded(ctx context.Context, name string, guard ConnGuard) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var held int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM run_leases l JOIN connections c ON c.id = l.connection_id WHERE c.name_key = ?`,
			NameKey(name)).Scan(&held); err != nil {
			return err
		}
		if held > 0 {
			return fmt.Errorf("%w: %q", ErrInUse, name)
		}
		if guard != nil {
			var id string
			err := tx.QueryRowContext(ctx, `SELECT id FROM connections WHERE name_key = ?`, NameKey(name)).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%w: %q", ErrNotFound, name)
			}
			if err != nil {
				return err
			}
			if err := guard(tx, id); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM connections WHERE name_key = ?`, NameKey(name))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: %q", ErrNotFound, name)
		}
		return nil
	})
}

// RecordTest stores the outcome of a connection test.
func (s *Store) RecordTest(ctx context.Context, id string, r TestResult) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE connections SET test_ok = ?, test_at = ?, test_note = ? WHERE id = ?`,
			r.OK, r.At.UnixNano(), r.Note, id)
		return err
	})
}

// Get returns a connection by name (case-insensitive).
func (s *Store) Get(ctx context.Context, name string) (Connection, error) {
	list, err := s.query(ctx, `WHERE name_key = ?`, NameKey(name))
	if err != nil {
		return Connection{}, err
	}
	if len(list) == 0 {
		return Connection{}, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	return list[0], nil
}

// GetByID returns a connection by its id, which stays through edits and
// conversions (and would through a rename): ErrNotFound once it was
// deleted, even if another connection now has its name.
func (s *Store) GetByID(ctx context.Context, id string) (Connection, error) {
	list, err := s.query(ctx, `WHERE id = ?`, id)
	if err != nil {
		return Connection{}, err
	}
	if len(list) == 0 {
		return Connection{}, fmt.Errorf("%w: id %s", ErrNotFound, id)
	}
	return list[0], nil
}

// List returns every connection, by name.
func (s *Store) List(ctx context.Context) ([]Connection, error) { return s.query(ctx, "") }

func (s *Store) query(ctx context.Context, where string, args ...any) ([]Connection, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, type, created_at, updated_at, test_ok, test_at, test_note FROM connections `+where+` ORDER BY name_key`, args...)
	if err != nil {
		return nil, err
	}
	var out []Connection
	for rows.Next() {
		var c Connection
		var created, updated int64
		var ok sql.NullBool
		var at sql.NullInt64
		var note sql.NullString
		if err := rows.Scan(&c.ID, &c.Name, &c.Type, &created, &updated, &ok, &at, &note); err != nil {
			rows.Close()
			return nil, err
		}
		c.CreatedAt, c.UpdatedAt = time.Unix(0, created), time.Unix(0, updated)
		if ok.Valid {
			c.LastTest = &TestResult{OK: ok.Bool, At: time.Unix(0, at.Int64), Note: note.String}
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := s.loadSettings(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) loadSettings(ctx context.Context, c *Connection) error {
	c.Values, c.Secrets = schema.Config{}, map[string]secrets.Sealed{}
	rows, err := s.db.QueryContext(ctx, `SELECT key, type, value FROM connection_values WHERE connection_id = ?`, c.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var key, text string
		var typ int
		if err := rows.Scan(&key, &typ, &text); err != nil {
			rows.Close()
			return err
		}
		v, err := decodeValue(schema.ValueType(typ), text)
		if err != nil {
			rows.Close()
			return fmt.Errorf("connection %q, setting %s: %w", c.Name, key, err)
		}
		c.Values[key] = v
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, `SELECT key, key_id, nonce, ciphertext FROM connection_secrets WHERE connection_id = ?`, c.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var sv secrets.Sealed
		if err := rows.Scan(&key, &sv.KeyID, &sv.Nonce, &sv.Ciphertext); err != nil {
			return err
		}
		c.Secrets[key] = sv
	}
	return rows.Err()
}

// errSecretInClear refuses a key/value list whose secret entries still
// hold their values: those are sealed (Connection.Secrets), never kept here.
var errSecretInClear = errors.New("a key/value list with secret values cannot be stored in clear: seal it")

// encodeValue returns the text a value is stored as: its Text, or for a
// key/value list its entries (schema.EncodeEntries), whose secret entries
// must have no value.
func encodeValue(v schema.Value) (string, error) {
	entries, ok := v.Entries()
	if !ok {
		return v.Text(), nil
	}
	for _, e := range entries {
		if e.Secret && e.Value != "" {
			return "", errSecretInClear
		}
	}
	return schema.EncodeEntries(entries), nil
}

func decodeValue(t schema.ValueType, text string) (schema.Value, error) {
	f := schema.Field{Key: "value", Kind: schema.KindString}
	switch t {
	case schema.String:
		return schema.StringValue(text), nil
	case schema.KeyValues:
		entries, err := schema.DecodeEntries(text)
		if err != nil {
			return schema.Value{}, err
		}
		return schema.KeyValuesValue(entries), nil
	case schema.Bool:
		f.Kind = schema.KindBool
	case schema.Int:
		f.Kind = schema.KindInt
	default:
		return schema.Value{}, errors.New("unknown value type in the database")
	}
	return schema.ParseValue(f, text)
}

// Reseal re-encrypts every stored secret with fn in one transaction: either
// all of them change or none does. It returns how many were re-sealed.
func (s *Store) Reseal(ctx context.Context, fn func(b secrets.Binding, old secrets.Sealed) (secrets.Sealed, error)) (int, error) {
	n := 0
	err := s.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT connection_id, key, key_id, nonce, ciphertext FROM connection_secrets`)
		if err != nil {
			return err
		}
		type item struct {
			b secrets.Binding
			s secrets.Sealed
		}
		var items []item
		for rows.Next() {
			var it item
			if err := rows.Scan(&it.b.ConnectionID, &it.b.Field, &it.s.KeyID, &it.s.Nonce, &it.s.Ciphertext); err != nil {
				rows.Close()
				return err
			}
			items = append(items, it)
		}
		rows.Close()
		for _, it := range items {
			ns, err := fn(it.b, it.s)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE connection_secrets SET key_id = ?, nonce = ?, ciphertext = ? WHERE connection_id = ? AND key = ?`,
				ns.KeyID, ns.Nonce, ns.Ciphertext, it.b.ConnectionID, it.b.Field); err != nil {
				return err
			}
			// Every secret is now sealed with this key: the store's
			// recorded master key id (if any) follows it.
			if err := setMasterKeyID(ctx, tx, ns.KeyID); err != nil {
				return err
			}
		}
		n = len(items)
		return nil
	})
	return n, err
}
