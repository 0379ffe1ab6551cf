package plugins

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
)

// Trust decides whether a plugin binary may run. The first binary loaded
// for a connector type is trusted and its SHA-256 recorded (trust on first
// use); from then on only a file with that checksum runs: every start runs
// a copy of the bytes that were hashed (see ExecCache), so a file changed
// after Check does not run. The user trusts a changed binary explicitly
// (plugins trust).
type Trust struct {
	Store *store.Store
}

// Verdict is what Check found out about a candidate.
type Verdict struct {
	SHA256 string // of the file as it is now, hex
	// Record is what is recorded for the candidate's type; nil when no
	// binary was trusted for it yet (this one will be, once it starts).
	Record *store.PluginRecord
}

// FirstUse reports whether no binary is trusted for the type yet.
func (v Verdict) FirstUse() bool { return v.Record == nil }

// CachedSpec returns the schema cached for this very binary, if any.
func (v Verdict) CachedSpec() (schema.Spec, bool) {
	if v.Record == nil || v.Record.SHA256 != v.SHA256 {
		return schema.Spec{}, false
	}
	return decodeSpec(v.Record.SpecJSON)
}

// Checksum returns the file's SHA-256 as shared.ClientOptions wants it.
func (v Verdict) Checksum() []byte {
	b, _ := hex.DecodeString(v.SHA256)
	return b
}

// ChangedError means a file is not the binary trusted for its type.
type ChangedError struct {
	Candidate
	SHA256  string             // of the file now
	Trusted store.PluginRecord // the binary trusted for the type
}

func (e *ChangedError) Error() string {
	fix := "if you installed this version yourself, run 'integrator plugins trust " + e.Type + "'"
	when := e.Trusted.TrustedAt.Format("2006-01-02 15:04")
	if e.Trusted.Path != e.Path {
		return fmt.Sprintf("it is not the binary trusted for type %s (that is %s, trusted %s, sha256 %s; this file's sha256 is %s): %s",
			e.Type, e.Trusted.Path, when, short(e.Trusted.SHA256), short(e.SHA256), fix)
	}
	return fmt.Sprintf("it changed since it was trusted on %s (sha256 was %s, is now %s): %s",
		when, short(e.Trusted.SHA256), short(e.SHA256), fix)
}

// short abbreviates a hex checksum for messages.
func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12] + "…"
	}
	return sum
}

// Check hashes the candidate's file and compares it with the trusted
// binary of its type. A file that differs gets a *ChangedError, along with
// the verdict.
func (t *Trust) Check(ctx context.Context, c Candidate) (Verdict, error) {
	sum, err := fileSHA256(c.Path)
	if err != nil {
		return Verdict{}, err
	}
	v := Verdict{SHA256: sum}
	rec, err := t.Store.Plugin(ctx, c.Type)
	switch {
	case errors.Is(err, store.ErrPluginUnknown):
		return v, nil
	case err != nil:
		return v, fmt.Errorf("reading plugin trust: %w", err)
	}
	v.Record = &rec
	if rec.SHA256 != sum {
		return v, &ChangedError{Candidate: c, SHA256: sum, Trusted: rec}
	}
	return v, nil
}

// Remember records what a started plugin showed: on first use the binary
// becomes trusted; later, the cached schema, version and path are brought
// up to date when they changed. It fails with a *ChangedError when another
// binary was trusted for the type in the meantime (by another host process
// on first use, or by plugins trust).
func (t *Trust) Remember(ctx context.Context, c Candidate, v Verdict, spec schema.Spec, protocol int) error {
	rec := store.PluginRecord{Type: c.Type, Path: c.Path, SHA256: v.SHA256, Version: spec.Version, Protocol: protocol, SpecJSON: encodeSpec(spec)}
	if v.Record == nil {
		got, err := t.Store.TrustFirst(ctx, rec)
		if err != nil {
			return fmt.Errorf("recording plugin trust: %w", err)
		}
		if got.SHA256 != v.SHA256 {
			return &ChangedError{Candidate: c, SHA256: v.SHA256, Trusted: got}
		}
		return nil
	}
	old := v.Record
	if old.Path == rec.Path && old.Version == rec.Version && old.Protocol == rec.Protocol && old.SpecJSON == rec.SpecJSON {
		return nil
	}
	ok, err := t.Store.CachePlugin(ctx, rec)
	if err != nil {
		return fmt.Errorf("caching the plugin's schema: %w", err)
	}
	if !ok {
		now, err := t.Store.Plugin(ctx, c.Type)
		if err != nil {
			return fmt.Errorf("reading plugin trust: %w", err)
		}
		return &ChangedError{Candidate: c, SHA256: v.SHA256, Trusted: now}
	}
	return nil
}

// TrustNow records the binary as trusted for its type, replacing any other,
// with what a start showed about it.
func (t *Trust) TrustNow(ctx context.Context, c Candidate, sum string, spec schema.Spec, protocol int) error {
	return t.Store.Trust(ctx, store.PluginRecord{Type: c.Type, Path: c.Path, SHA256: sum, Version: spec.Version,
		Protocol: protocol, SpecJSON: encodeSpec(spec)})
}

func fileSHA256(path string) (string, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0) // a FIFO does not hold the host
	if err != nil {
		return "", err
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file", path)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
