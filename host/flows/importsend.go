package flows

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/openintegrator/integrator/shared"

	"github.com/openintegrator/integrator/host/store"
)

// send sends one unit until each of its records has an outcome, records
// it and hands the results on. Records another live run holds are waited
// for: their outcome is that run's, or they are sent here when it lets
// them go. Only a failure of the run itself is returned.
//
// stop ends the sending of new requests; reqs is the context of requests
// in flight, which outlives stop by the import's grace period.
func (im *Import) send(stop, reqs context.Context, lg *ledger, u *unit, w *resultWriter) error {
	held, err := im.sendUnit(stop, reqs, lg, u, w)
	noted := false
	for err == nil && len(held) > 0 {
		if !noted {
			im.Progress.Alert("%s another run is sending (%s); waiting for their outcome",
				plural(len(held), "record"), held[0].holder)
			noted = true
		}
		if shared.Sleep(stop, im.heldPoll) != nil {
			return nil // the run is stopping: they have no outcome here
		}
		for _, owner := range holders(held) {
			// Clears the lease of a run that is gone, so that its
			// records can be claimed.
			if _, err := im.Store.RunAlive(stop, owner); err != nil {
				return err
			}
		}
		held, err = im.sendUnit(stop, reqs, lg, im.again(u, itemsOf(held)), w)
	}
	return err
}

// heldItem is a record another run holds.
type heldItem struct {
	*item
	holder string // the run
}

func itemsOf(h []heldItem) []*item {
	out := make([]*item, len(h))
	for i, x := range h {
		out[i] = x.item
	}
	return out
}

func holders(h []heldItem) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range h {
		if !seen[x.holder] {
			seen[x.holder] = true
			out = append(out, x.holder)
		}
	}
	return out
}

// again is a unit of the same kind as u for other records of it.
func (im *Import) again(u *unit, items []*item) *unit {
	v := &unit{items: items, batchPath: u.batchPath, resent: u.resent}
	if u.batchPath == "" {
		v.req = items[0].req
	} else {
		v.req = batchRequest(u.batchPath, operationType(im.Method), fieldsOf(items))
	}
	return v
}

// claim takes the unit's records for this run, right before its request
// is handed to the plugin, and narrows the unit to those taken. Records
// done before get their earlier outcome; those another live run holds are
// returned.
func (im *Import) claim(lg *ledger, u *unit, w *resultWriter) (*unit, []heldItem, error) {
	keys := make([]store.RecordKey, len(u.items))
	for i, it := range u.items {
		keys[i] = it.key
	}
	claims, err := lg.claim(keys)
	if err != nil {
		return nil, nil, err
	}
	var taken []*item
	var held []heldItem
	for i, c := range claims {
		it := u.items[i]
		switch {
		case c.Taken:
			taken = append(taken, it)
		case c.Held.State == store.ImportSending:
			held = append(held, heldItem{it, c.Held.Owner})
		default:
			it.res = resultOf(it.line, c.Held, !lg.ours(c.Held.Owner))
			w.done(it)
		}
	}
	if len(taken) == 0 {
		return nil, held, nil
	}
	if len(taken) == len(u.items) {
		return u, held, nil
	}
	return im.again(u, taken), held, nil
}

// sendUnit claims the unit's records and sends the request of those it
// took until they have an outcome.
func (im *Import) sendUnit(stop, reqs context.Context, lg *ledger, u *unit, w *resultWriter) ([]heldItem, error) {
	batch := u.batchPath != ""
	claimed := false
	var held []heldItem
	// notSent ends the unit before its request went out (again): it was
	// not applied. Records not claimed have no ledger entry to change.
	notSent := func(err error) error {
		if claimed {
			if _, rerr := im.record(lg, u, verdict{state: store.ImportFailed, code: CodeNotSent, message: "not sent: " + err.Error()}, w); rerr != nil {
				return rerr
			}
		} else if stop.Err() == nil {
			for _, it := range u.items {
				it.res = Result{Line: it.line, Result: store.ImportFailed, Code: CodeNotSent, Message: "not sent: " + err.Error()}
				w.done(it)
			}
		}
		return err
	}
	// One attempt per request: the import does the retrying, so that a
	// rate limit one worker meets holds back all of them (the connector
	// would wait for it alone, while the others keep sending).
	var v verdict
	transient, waits := 0, 0
	unreachable := false // the API could not be reached, however often tried
	for {
		if err := im.lim.wait(stop); err != nil {
			return held, notSent(context.Cause(stop))
		}
		if err := im.Plugin.Ready(stop); err != nil {
			if stop.Err() != nil {
				return held, notSent(context.Cause(stop))
			}
			return held, notSent(err)
		}
		// The shared rate limit's unit is taken before the claim, so that
		// records never wait for a budget while they are "sending".
		tk, err := im.shared.take(stop, im.lim, u.req.Method, u.req.URL)
		if err != nil {
			if stop.Err() != nil {
				return held, notSent(context.Cause(stop))
			}
			return held, err
		}
		if !claimed {
			// A record is "sending" from here: its request is handed to
			// the plugin next.
			nu, h, err := im.claim(lg, u, w)
			if err != nil {
				return held, errors.Join(err, tk.giveBack(stop))
			}
			held = append(held, h...)
			if nu == nil {
				return held, tk.giveBack(stop)
			}
			u, claimed = nu, true
			if im.lim.holding() {
				// A wait began while the records were claimed: they wait
				// unclaimed, as below.
				if err := tk.giveBack(stop); err != nil {
					return held, err
				}
				if _, err := im.record(lg, u, verdict{state: store.ImportFailed, code: shared.CodeRateLimited,
					message: "not sent yet: waiting for the rate limit", pending: true}, w); err != nil {
					return held, err
				}
				claimed = false
				continue
			}
		}
		req := u.req
		req.MaxAttempts = 1
		im.inflight.Add(1)
		resp, err := im.Plugin.DoRequest(reqs, req)
		im.inflight.Add(-1)
		if derr := tk.done(reqs, resp, err); derr != nil {
			// The request went out: its outcome is recorded below all the
			// same (the ledger's write says whether the store is gone).
			// The row counts it in flight until a probe forgets it.
			im.Progress.Warn("%v", derr)
		}
		if err != nil && reqs.Err() != nil {
			return held, context.Cause(reqs) // still "sending": it may have gone out
		}
		if nse := (*NotSentError)(nil); errors.As(err, &nse) {
			return held, notSent(err)
		}
		if resp != nil {
			im.lim.observe(resp.ResponseHead)
		}
		v = judge(im.Method, batch, resp, err)
		if v.state != "" {
			break
		}
		if v.limited {
			if waits++; waits > im.rateWaits {
				v.state = store.ImportFailed
				break
			}
		} else if transient++; transient >= im.attempts {
			v.state = store.ImportFailed
			if v.status == 0 {
				unreachable = true
			}
			break
		}
		// It was not applied (or applying it again does no harm): while
		// it waits to be sent again it is not "sending", so that a run
		// stopped now does not leave it looking as if it might have been.
		if _, err := im.record(lg, u, verdict{state: store.ImportFailed, status: v.status, code: v.code,
			message: "not applied yet (" + v.message + "); it was to be sent again", pending: true}, w); err != nil {
			return held, err
		}
		claimed = false
		if stop.Err() != nil {
			return held, context.Cause(stop)
		}
		if !v.limited {
			if err := shared.Sleep(stop, im.retry.after(transient)); err != nil {
				return held, context.Cause(stop)
			}
		}
	}
	resend, err := im.record(lg, u, v, w)
	if err != nil {
		return held, err
	}
	if unreachable {
		// Every other record would wait as long to fail the same way.
		return held, fmt.Errorf("the API could not be reached (%s: %s); stopping", v.code, v.message)
	}
	if len(resend) == 0 {
		return held, nil
	}
	h, err := im.sendUnit(stop, reqs, lg, &unit{items: resend, batchPath: u.batchPath, resent: true,
		req: batchRequest(u.batchPath, operationType(im.Method), fieldsOf(resend))}, w)
	return append(held, h...), err
}

// record stores the outcome of a unit and hands on its results. Of a
// refused batch, it returns the records that had no error of their own,
// to be sent again (once). A pending verdict is stored only: the records
// are sent again.
func (im *Import) record(lg *ledger, u *unit, v verdict, w *resultWriter) ([]*item, error) {
	var recs []store.ImportRecord
	var done, resend []*item
	for i, it := range u.items {
		rec := store.ImportRecord{Key: it.key, State: v.state, Status: v.status, Code: v.code, Message: v.message}
		switch {
		case v.pending:
		case v.state == store.ImportOK && u.batchPath == "":
			rec.CreatedID = joinIDs(v.ids)
		case v.state == store.ImportOK && i < len(v.ids):
			rec.CreatedID = v.ids[i]
		case v.opErrs != nil:
			var errs []apiError
			if i < len(v.opErrs) {
				errs = v.opErrs[i]
			}
			if len(errs) == 0 && !u.resent {
				resend = append(resend, it)
				continue
			}
			rec.Code, rec.Message = opError(errs)
		}
		recs = append(recs, rec)
		it.res = resultOf(it.line, rec, false)
		done = append(done, it)
	}
	// Recorded even when the run is being stopped: the answer is known.
	if err := lg.write(recs); err != nil {
		return nil, fmt.Errorf("recording the outcome of %s in the ledger: %w", plural(len(recs), "record"), err)
	}
	if v.pending {
		return nil, nil
	}
	for _, it := range done {
		w.done(it)
	}
	return resend, nil
}

func joinIDs(ids []string) string {
	var b bytes.Buffer
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(id)
	}
	return b.String()
}
