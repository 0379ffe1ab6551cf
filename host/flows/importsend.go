package flows

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/openintegrator/integrator/host/store"
)

// send sends one unit until it has an outcome, records it and hands the
// results on. Only a failure of the run itself is returned.
func (im *Import) send(ctx context.Context, lg *ledger, u *unit, w *resultWriter) error {
	lines := make([]int64, len(u.items))
	for i, it := range u.items {
		lines[i] = it.line
	}
	if err := lg.sending(lines); err != nil {
		return err
	}
	batch := u.batchPath != ""
	// notSent ends the unit before its request went out (again): it was
	// not applied.
	notSent := func(err error) error {
		if _, rerr := im.record(lg, u, verdict{state: store.ImportFailed, code: CodeNotSent, message: "not sent: " + err.Error()}, w); rerr != nil {
			return rerr
		}
		return err
	}
	// One attempt per request: the import does the retrying, so that a
	// rate limit one worker meets holds back all of them (the connector
	// would wait for it alone, while the others keep sending).
	req := u.req
	req.MaxAttempts = 1
	var v verdict
	transient, waits := 0, 0
	unreachable := false // the API could not be reached, however often tried
	for {
		if err := im.lim.wait(ctx); err != nil {
			return notSent(context.Cause(ctx))
		}
		resp, err := im.Plugin.DoRequest(ctx, req)
		if err != nil && ctx.Err() != nil {
			return context.Cause(ctx) // still "sending": it may have gone out
		}
		if nse := (*NotSentError)(nil); errors.As(err, &nse) {
			return notSent(err)
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
			continue // the limiter holds every worker until the reset
		}
		if transient++; transient >= im.attempts {
			v.state = store.ImportFailed
			if v.status == 0 && !v.limited {
				unreachable = true
			}
			break
		}
		if err := sleep(ctx, im.retry.after(transient)); err != nil {
			return notSent(context.Cause(ctx)) // the last try did not reach the API
		}
	}
	resend, err := im.record(lg, u, v, w)
	if err != nil {
		return err
	}
	if unreachable {
		// Every other record would wait as long to fail the same way.
		return fmt.Errorf("the API could not be reached (%s: %s); stopping", v.code, v.message)
	}
	if len(resend) == 0 {
		return nil
	}
	return im.send(ctx, lg, &unit{items: resend, batchPath: u.batchPath, resent: true,
		req: batchRequest(u.batchPath, operationType(im.Method), fieldsOf(resend))}, w)
}

// record stores the outcome of a unit and hands on its results. Of a
// refused batch, it returns the records that had no error of their own,
// to be sent again (once).
func (im *Import) record(lg *ledger, u *unit, v verdict, w *resultWriter) ([]*item, error) {
	var recs []store.ImportRecord
	var done, resend []*item
	for i, it := range u.items {
		rec := store.ImportRecord{Line: it.line, State: v.state, Status: v.status, Code: v.code, Message: v.message}
		switch {
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
		it.res = resultOf(rec, false)
		done = append(done, it)
	}
	// Recorded even when the run is being stopped: the answer is known.
	if err := lg.write(recs); err != nil {
		return nil, err
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
