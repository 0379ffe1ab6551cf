package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openintegrator/integrator/host/store"
)

// holdOutput takes the lease on an output file for a run, so that a
// second command aimed at it while this one runs is refused with this
// run named, not only with the part file's lock.
func holdOutput(ctx context.Context, s *store.Store, path string, o store.Owner) (*store.Lease, error) {
	o.Key = "out:" + path
	l, err := s.Acquire(ctx, o)
	var busy *store.BusyError
	if errors.As(err, &busy) {
		return nil, fmt.Errorf("%s is being written by another run (%w): wait for it to end, or choose another output file", path, busy)
	}
	return l, err
}

// ErrPartOwned means an output's part file holds what an unfinished run
// of another command saved.
var ErrPartOwned = errors.New("the part file belongs to an unfinished run of another command")

// partOwners returns the unfinished runs, other than the one with key,
// whose output is path.
func partOwners(ctx context.Context, s *store.Store, path, key string) ([]store.Unfinished, error) {
	all, err := s.PartOwners(ctx, path)
	if err != nil {
		return nil, err
	}
	var out []store.Unfinished
	for _, u := range all {
		if u.RunKey != key {
			out = append(out, u)
		}
	}
	return out, nil
}

// ownedError explains whose part file it is, and the ways out.
func ownedError(path string, owners []store.Unfinished, restart bool) error {
	var b strings.Builder
	for _, u := range owners {
		what := u.What
		if what == "" {
			what = "an " + u.Kind + " (by an older integrator)"
		}
		fmt.Fprintf(&b, "; %s, stopped at %s with %s saved", what, u.UpdatedAt.Format(time.DateTime), approxSize(u.Offset))
	}
	way := "continue it with its own command and ⟪resume⟫, or choose another output file"
	if restart {
		way += ", or run this command with ⟪restart⟫ to discard what it saved"
	}
	return fmt.Errorf("%w: %s.part holds what an unfinished run saved%s. Nothing was changed: %s", ErrPartOwned, path, b.String(), way)
}

// discard forgets unfinished runs, whose part file a restarted command
// takes over.
func discard(ctx context.Context, s *store.Store, owners []store.Unfinished) error {
	for _, u := range owners {
		var err error
		if u.Kind == "report" {
			err = s.DeleteReportRun(ctx, u.RunKey)
		} else {
			err = s.DeleteExportRun(ctx, u.RunKey)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
