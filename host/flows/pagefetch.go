package flows

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// pageFetcher gets one page, trying again as long as that is safe and
// useful: pages are GETs, so a page that failed is simply asked for again.
type pageFetcher struct {
	x      *Export
	lim    *limiter
	shared *sharedLimits // nil: the run does not share rate limits
	// transient failures (no answer, 5xx, a broken body, a dead plugin)
	// are tried again this often, waiting retry between rounds.
	attempts int
	retry    backoff
	// rateWaits bounds the waits for a rate limit the connector did not
	// wait for itself (its reset was too far away).
	rateWaits int
	// maxBytes bounds a page's body (Export.MaxPageBytes).
	maxBytes int64
	// connectorAttempts is the connector's own attempts per request.
	connectorAttempts int
	askTotal          bool
	// paging is how the connector's lists page (Export.resolvePaging).
	paging shared.Paging
	// waited is the time the connector spent waiting for rate limits and
	// retries, for the progress line.
	waited time.Duration
}

func (pf *pageFetcher) init(x *Export) {
	pf.x = x
	pf.shared = newSharedLimits(&x.Deps)
	if pf.lim == nil {
		pf.lim = newLimiter()
		pf.lim.onWait = func(until time.Time, why string) {
			x.Progress.Note("%s: waiting until %s (%s)", why, until.Format(time.TimeOnly), time.Until(until).Round(time.Second))
		}
	}
	if pf.attempts == 0 {
		pf.attempts = 6
	}
	if pf.retry.base == 0 {
		pf.retry = backoff{base: time.Second, limit: 30 * time.Second}
	}
	if pf.rateWaits == 0 {
		pf.rateWaits = 100
	}
	if pf.connectorAttempts == 0 {
		pf.connectorAttempts = 10
	}
	pf.maxBytes = x.MaxPageBytes
	if pf.maxBytes <= 0 {
		pf.maxBytes = DefaultMaxPageBytes
	}
	pf.askTotal = x.Progress.Shown()
}

func hasParam(ps []shared.Param, key string) bool {
	for _, p := range ps {
		if p.Key == key {
			return true
		}
	}
	return false
}

// fetch gets the page at cursor (the first page when first), keeping at
// most limit records (0: all) in buf. Only what can succeed later is
// tried again: no answer, a 5xx or 408, a rate limit, a body that broke
// off, a plugin that died. An answer that asking again cannot change (a
// 4xx, a request the connector refuses, a complete answer that is no
// list, a page over the size limit) is a final error at once.
func (pf *pageFetcher) fetch(ctx context.Context, cursor *string, first bool, limit int64, buf *bytes.Buffer) (page, error) {
	x := pf.x
	req := pf.request(cursor)
	total := pf.totalParam()
	askTotal := first && pf.askTotal && total != nil
	failures, waits := 0, 0
	var last error
	for {
		if failures >= pf.attempts {
			return page{}, fmt.Errorf("giving up on the page after %d failed attempts: %w", failures, last)
		}
		if failures > 0 {
			if err := shared.Sleep(ctx, pf.retry.after(failures)); err != nil {
				return page{}, err
			}
		}
		if err := pf.lim.wait(ctx); err != nil {
			return page{}, err
		}
		r := req
		if askTotal {
			r.Query = append(append([]shared.Param(nil), req.Query...), *total)
		}
		tk, err := pf.shared.take(ctx, pf.lim, r.Method, r.URL)
		if err != nil {
			return page{}, err
		}
		resp, err := x.Plugin.DoRequest(ctx, r)
		if derr := tk.done(ctx, resp, err); derr != nil {
			if resp != nil {
				resp.Body.Close()
			}
			return page{}, derr
		}
		switch {
		case err != nil && ctx.Err() != nil:
			return page{}, ctx.Err()
		case err != nil && PluginDown(err):
			last = err
			continue // the Plugin starts it again, a bounded number of times
		case err != nil:
			return page{}, err
		}
		pf.lim.observe(resp.ResponseHead)
		pf.waited += resp.Waited
		switch st := resp.Status; {
		case st >= 200 && st < 300:
			buf.Reset()
			body := &pageBody{r: resp.Body, left: pf.maxBytes}
			pg, err := readPage(body, pf.fields(), limit, buf)
			resp.Body.Close()
			switch {
			case err == nil:
				pf.settle(cursor, &pg, resp.ResponseHead)
				return pg, nil
			case ctx.Err() != nil:
				return page{}, ctx.Err()
			case body.over:
				return page{}, final(tooLarge(pf.maxBytes))
			case body.broke == nil && !errors.Is(err, io.ErrUnexpectedEOF):
				// The answer came, whole or as far as it makes sense, and
				// is no list of records: it will not be one next time.
				return page{}, final(fmt.Errorf("reading the page: %w", err))
			}
			if !PluginDown(err) { // the answer broke off
				failures++
			}
			last = fmt.Errorf("reading the page: %w", err)
			continue
		case rateLimited(resp.ResponseHead):
			resp.Body.Close()
			if waits++; waits > pf.rateWaits {
				return page{}, fmt.Errorf("still rate limited after %d waits: %w", waits-1, answerError(resp.ResponseHead))
			}
			continue // the limiter waits for the reset
		case askTotal && st == http.StatusBadRequest && aboutField(resp.Diagnostics, total.Key):
			resp.Body.Close()
			askTotal, pf.askTotal = false, false // this endpoint has no total count
			continue
		case finalAnswer(resp.ResponseHead) || refused(resp.ResponseHead):
			resp.Body.Close()
			return page{}, final(answerError(resp.ResponseHead))
		default: // no answer, a 5xx, a 408
			resp.Body.Close()
			failures, last = failures+1, answerError(resp.ResponseHead)
			continue
		}
	}
}

func aboutField(ds schema.Diagnostics, field string) bool {
	for _, d := range ds {
		if d.Field == field {
			return true
		}
	}
	return false
}

// answerError describes a response that is not a success.
func answerError(h shared.ResponseHead) error {
	var errs []error
	for _, d := range h.Diagnostics {
		if d.Severity != schema.SeverityWarning {
			errs = append(errs, errors.New(d.Error()))
		}
	}
	what := "no answer"
	if h.Status != 0 {
		what = fmt.Sprintf("HTTP %d", h.Status)
	}
	if len(errs) == 0 {
		return errors.New(what)
	}
	return fmt.Errorf("%s: %w", what, errors.Join(errs...))
}
