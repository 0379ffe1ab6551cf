package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// PluginRecord is the plugin binary trusted for a connector type: its
// checksum, and what the host caches about it.
type PluginRecord struct {
	Type      string
	Path      string // where the binary was when it was last trusted or loaded
	SHA256    string // hex, lower case
	Version   string // the plugin's version, from its schema; "" until known
	Protocol  int    // the plugin protocol version it speaks; 0 until known
	SpecJSON  string // the plugin's schema as the host caches it; "" until known
	TrustedAt time.Time
}

// ErrPluginUnknown means no binary has been trusted yet for a type.
var ErrPluginUnknown = errors.New("no plugin binary is trusted for this type yet")

const pluginColumns = `type, path, sha256, version, protocol, spec_json, trusted_at`

// Plugin returns the trusted binary of a connector type, or ErrPluginUnknown.
func (s *Store) Plugin(ctx context.Context, typ string) (PluginRecord, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+pluginColumns+` FROM plugins WHERE type = ?`, typ)
	r, err := scanPlugin(row)
	if errors.Is(err, sql.ErrNoRows) {
		return PluginRecord{}, fmt.Errorf("%w: %q", ErrPluginUnknown, typ)
	}
	return r, err
}

// Plugins returns every trusted binary, by type.
func (s *Store) Plugins(ctx context.Context) ([]PluginRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+pluginColumns+` FROM plugins ORDER BY type`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PluginRecord
	for rows.Next() {
		r, err := scanPlugin(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// TrustFirst records r as trusted unless a binary is already trusted for
// its type (trust on first use), and returns the record that holds
// afterwards: r, or the one that was there first. Two hosts loading a type
// for the first time at once cannot both win.
func (s *Store) TrustFirst(ctx context.Context, r PluginRecord) (PluginRecord, error) {
	var out PluginRecord
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO plugins (`+pluginColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (type) DO NOTHING`,
			r.Type, r.Path, r.SHA256, r.Version, r.Protocol, r.SpecJSON, time.Now().UnixNano())
		if err != nil {
			return err
		}
		out, err = scanPlugin(tx.QueryRowContext(ctx, `SELECT `+pluginColumns+` FROM plugins WHERE type = ?`, r.Type))
		return err
	})
	return out, err
}

// Trust records r as the trusted binary of its type, replacing any other.
func (s *Store) Trust(ctx context.Context, r PluginRecord) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO plugins (`+pluginColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (type) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256, version = excluded.version,
				protocol = excluded.protocol, spec_json = excluded.spec_json, trusted_at = excluded.trusted_at`,
			r.Type, r.Path, r.SHA256, r.Version, r.Protocol, r.SpecJSON, time.Now().UnixNano())
		return err
	})
}

// CachePlugin updates what is cached about the trusted binary of r.Type
// (path, version, protocol, schema), provided r.SHA256 is still the trusted
// checksum. It reports whether it was.
func (s *Store) CachePlugin(ctx context.Context, r PluginRecord) (bool, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE plugins SET path = ?, version = ?, protocol = ?, spec_json = ?
			WHERE type = ? AND sha256 = ?`, r.Path, r.Version, r.Protocol, r.SpecJSON, r.Type, r.SHA256)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n > 0, err
}

type pluginRow interface{ Scan(dest ...any) error }

func scanPlugin(row pluginRow) (PluginRecord, error) {
	var r PluginRecord
	var at int64
	if err := row.Scan(&r.Type, &r.Path, &r.SHA256, &r.Version, &r.Protocol, &r.SpecJSON, &at); err != nil {
		return PluginRecord{}, err
	}
	r.TrustedAt = time.Unix(0, at)
	return r, nil
}
