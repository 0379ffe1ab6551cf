package flows

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// pageFetcher gets one page, trying again as long as that is safe and
// useful: pages are GETs, so a page that failed is simply asked for again.
type pageFetcher struct {
	x   *Export
	lim *limiter
	// transient failures (no answer, 5xx, a broken body, a dead plugin)
	// are tried again this often, waiting retry between rounds.
	attempts int
	retry    backoff
	// rateWaits bounds the waits for a rate limit the connector did not
	// wait for itself (its reset was too far away).
	rateWaits int
	// connectorAttempts is the connector's own attempts per request.
	connectorAttempts int
	askTotal          bool
	// waited is the time the connector spent waiting for rate limits and
	// retries, for the progress line.
	waited time.Duration
}

func (pf *pageFetcher) init(x *Export) {
	pf.x = x
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
	pf.askTotal = x.Progress != nil && x.Progress.mode != ProgressNone && !hasParam(x.Params, "with_total_count")
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
// most limit records (0: all) in buf.
func (pf *pageFetcher) fetch(ctx context.Context, cursor *string, first bool, limit int64, buf *bytes.Buffer) (page, error) {
	x := pf.x
	req := shared.Request{Method: http.MethodGet, URL: x.Path, MaxAttempts: pf.connectorAttempts}
	req.Query = append(req.Query, x.Params...)
	askTotal := first && pf.askTotal
	if cursor != nil {
		req.Query = append(req.Query, shared.Param{Key: "cursor", Value: *cursor})
	}
	failures, waits := 0, 0
	var last error
	for {
		if failures >= pf.attempts {
			return page{}, fmt.Errorf("giving up on the page after %d failed attempts: %w", failures, last)
		}
		if failures > 0 {
			if err := sleep(ctx, pf.retry.after(failures)); err != nil {
				return page{}, err
			}
		}
		if err := pf.lim.wait(ctx); err != nil {
			return page{}, err
		}
		r := req
		if askTotal {
			r.Query = append(append([]shared.Param(nil), req.Query...), shared.Param{Key: "with_total_count", Value: "true"})
		}
		resp, err := x.Plugin.DoRequest(ctx, r)
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
			pg, err := readPage(resp.Body, x.RecordsField, limit, buf)
			resp.Body.Close()
			if err == nil {
				return pg, nil
			}
			if ctx.Err() != nil {
				return page{}, ctx.Err()
			}
			if !PluginDown(err) {
				failures++
			}
			last = fmt.Errorf("reading the page: %w", err)
			continue
		case st == http.StatusTooManyRequests:
			resp.Body.Close()
			if waits++; waits > pf.rateWaits {
				return page{}, fmt.Errorf("still rate limited after %d waits: %w", waits-1, answerError(resp.ResponseHead))
			}
			continue // the limiter waits for the reset
		case st == 0 || st >= 500:
			resp.Body.Close()
			failures, last = failures+1, answerError(resp.ResponseHead)
			continue
		case askTotal && st == http.StatusBadRequest && aboutField(resp.Diagnostics, "with_total_count"):
			resp.Body.Close()
			askTotal, pf.askTotal = false, false // this endpoint has no total count
			continue
		default:
			resp.Body.Close()
			return page{}, answerError(resp.ResponseHead)
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
