package twitteradssim

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// applyLocked checks the parameters p against sp's fields and writes the
// parsed values into e. On create, required fields must be present and
// defaults fill the rest; on update only updatable fields may appear and
// an empty value unsets an optional field. All problems are reported.
func (st *store) applyLocked(sp *spec, acct int, e entity, p url.Values, create bool) []apiError {
	var errs []apiError
	for i := range sp.fields {
		f := &sp.fields[i]
		vals, present := p[f.name]
		v := ""
		if present {
			v = strings.TrimSpace(vals[0])
		}
		switch {
		case create && v == "":
			if f.required {
				errs = append(errs, missing(f.name).errs...)
				continue
			}
			e[f.name] = f.def
			continue
		case !create && !present:
			continue
		case !create && !f.update:
			errs = append(errs, invalid(f.name, "%s cannot be updated", f.name).errs...)
			continue
		case !create && v == "":
			if f.unset {
				e[f.name] = nil
			} else {
				errs = append(errs, invalid(f.name, "%s must not be empty", f.name).errs...)
			}
			continue
		}
		val, err := st.parseLocked(f, acct, v)
		if err != nil {
			errs = append(errs, apiError{Code: CodeInvalidParameter, Message: err.Error(), Parameter: f.name})
			continue
		}
		e[f.name] = val
	}
	if len(errs) > 0 {
		return errs
	}
	return crossCheck(sp, e)
}

// parseLocked turns one parameter value into the JSON value stored.
func (st *store) parseLocked(f *field, acct int, v string) (any, error) {
	switch f.typ {
	case tString:
		if f.max > 0 && utf8.RuneCountInString(v) > f.max {
			return nil, fmt.Errorf("%s must be at most %d characters", f.name, f.max)
		}
		return v, nil
	case tInt:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 || (f.max > 0 && n > int64(f.max)) {
			return nil, fmt.Errorf("%s must be a whole number between 0 and %d", f.name, f.max)
		}
		if f.enum != nil && !slices.Contains(f.enum, v) {
			return nil, fmt.Errorf("%s must be one of %s", f.name, strings.Join(f.enum, ", "))
		}
		return n, nil
	case tMicro:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%s must be a positive amount in micros", f.name)
		}
		return n, nil
	case tBool:
		switch v {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("%s must be true or false", f.name)
	case tEnum:
		if !slices.Contains(f.enum, v) {
			return nil, fmt.Errorf("%s must be one of %s", f.name, strings.Join(f.enum, ", "))
		}
		return v, nil
	case tEnumList:
		var out []string
		for _, item := range strings.Split(v, ",") {
			item = strings.TrimSpace(item)
			if !slices.Contains(f.enum, item) {
				return nil, fmt.Errorf("%s: %q is not one of %s", f.name, item, strings.Join(f.enum, ", "))
			}
			if !slices.Contains(out, item) {
				out = append(out, item)
			}
		}
		return out, nil
	case tTime:
		t, err := parseTime(v)
		if err != nil {
			return nil, fmt.Errorf("%s must be an ISO 8601 time such as 2024-05-01T00:00:00Z", f.name)
		}
		return fmtTime(t), nil
	case tRef:
		e, _, ok := st.lookupLocked(f.ref, acct, v)
		if !ok || e.deleted() {
			return nil, fmt.Errorf("%s %s does not exist in this account", f.name, v)
		}
		return v, nil
	}
	return nil, fmt.Errorf("%s: unsupported", f.name)
}

// parseTime accepts the ISO 8601 forms the API does.
func parseTime(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q", v)
}

// crossCheck applies rules that involve more than one field.
func crossCheck(sp *spec, e entity) []apiError {
	var errs []apiError
	if s, ok := e["bid_strategy"].(string); ok && (s == "MAX" || s == "TARGET") && e["bid_amount_local_micro"] == nil {
		errs = append(errs, apiError{Code: CodeMissingParameter, Parameter: "bid_amount_local_micro",
			Message: "bid_amount_local_micro is required when bid_strategy is " + s})
	}
	if start, ok := e["start_time"].(string); ok {
		if end, ok := e["end_time"].(string); ok && end <= start {
			errs = append(errs, apiError{Code: CodeInvalidParameter, Parameter: "end_time",
				Message: "end_time must be after start_time"})
		}
	}
	daily, ok1 := e["daily_budget_amount_local_micro"].(int64)
	total, ok2 := e["total_budget_amount_local_micro"].(int64)
	if ok1 && ok2 && total < daily {
		errs = append(errs, apiError{Code: CodeInvalidParameter, Parameter: "total_budget_amount_local_micro",
			Message: "total_budget_amount_local_micro must not be less than daily_budget_amount_local_micro"})
	}
	return errs
}

// tweetIDs parses the tweet_ids parameter of a promoted tweets create.
func tweetIDs(v string) ([]string, *httpError) {
	if strings.TrimSpace(v) == "" {
		return nil, missing("tweet_ids")
	}
	var ids []string
	for _, id := range strings.Split(v, ",") {
		id = strings.TrimSpace(id)
		if _, err := strconv.ParseUint(id, 10, 64); err != nil {
			return nil, invalid("tweet_ids", "%q is not a tweet id", id)
		}
		ids = append(ids, id)
	}
	if len(ids) > 50 {
		return nil, invalid("tweet_ids", "at most 50 tweet_ids are allowed, got %d", len(ids))
	}
	return ids, nil
}

// splitIDs parses a comma-separated id list parameter of at most max ids.
func splitIDs(p url.Values, name string, max int) ([]string, *httpError) {
	v := strings.TrimSpace(p.Get(name))
	if v == "" {
		return nil, nil
	}
	var ids []string
	for _, id := range strings.Split(v, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) > max {
		return nil, invalid(name, "at most %d %s are allowed, got %d", max, name, len(ids))
	}
	return ids, nil
}
