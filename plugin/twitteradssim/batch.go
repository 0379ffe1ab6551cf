package twitteradssim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

const maxBatchOps = 40

type batchOp struct {
	OperationType string         `json:"operation_type"`
	Params        map[string]any `json:"params"`
}

type batchEcho struct {
	OperationType string         `json:"operation_type"`
	Params        map[string]any `json:"params"`
}

type (
	batchBody struct {
		Data    []entity    `json:"data"`
		Request []batchEcho `json:"request"`
	}
	batchErrorBody struct {
		Errors          []apiError   `json:"errors"`
		OperationErrors [][]apiError `json:"operation_errors"`
		Request         []batchEcho  `json:"request"`
	}
)

// batch serves POST /batch/accounts/:account_id/{campaigns,line_items}: a
// JSON array of at most 40 Create/Update/Delete operations applied all
// or nothing, in order.
func (s *Server) batch(sp *spec) handler {
	return func(c *call) error {
		ct, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
		if ct != "application/json" {
			return newError(http.StatusUnsupportedMediaType, CodeUnsupportedMediaType,
				"Batch requests need Content-Type application/json")
		}
		b, err := io.ReadAll(io.LimitReader(c.r.Body, maxBodyBytes+1))
		if err != nil {
			return newError(http.StatusBadRequest, CodeInvalidParameter, "The request body could not be read")
		}
		if int64(len(b)) > maxBodyBytes {
			return newError(http.StatusRequestEntityTooLarge, CodeRequestEntityTooLarge, "The request body is too large")
		}
		var ops []batchOp
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&ops); err != nil {
			return newError(http.StatusBadRequest, CodeInvalidParameter,
				"The body must be a JSON array of {\"operation_type\":...,\"params\":{...}} objects")
		}
		switch {
		case len(ops) == 0:
			return newError(http.StatusBadRequest, CodeInvalidParameter, "The batch holds no operations")
		case len(ops) > maxBatchOps:
			return newError(http.StatusBadRequest, CodeInvalidParameter,
				"The batch holds %d operations; at most %d are allowed", len(ops), maxBatchOps)
		}
		echo := make([]batchEcho, len(ops))
		for i, op := range ops {
			echo[i] = batchEcho{OperationType: op.OperationType, Params: op.Params}
			if echo[i].Params == nil {
				echo[i].Params = map[string]any{}
			}
		}
		data, opErrs, counts := s.applyBatch(sp, c.account, ops)
		if opErrs != nil {
			writeJSON(c.w, http.StatusBadRequest, batchErrorBody{Errors: []apiError{}, OperationErrors: opErrs, Request: echo})
			return nil
		}
		s.counts.created(sp.label, counts[0])
		s.counts.updated(sp.label, counts[1])
		s.counts.deleted(sp.label, counts[2])
		writeJSON(c.w, http.StatusOK, batchBody{Data: data, Request: echo})
		return nil
	}
}

// applyBatch validates every operation against the store plus the
// operations before it, and applies them only if none failed. counts are
// the creates, updates and deletes applied.
func (s *Server) applyBatch(sp *spec, acct int, ops []batchOp) ([]entity, [][]apiError, [3]int) {
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	type write struct {
		create bool
		pos    uint32
		e      entity
	}
	writes := make([]write, len(ops))
	staged := map[uint32]entity{}
	opErrs := make([][]apiError, len(ops))
	failed := false
	var counts [3]int
	for i, op := range ops {
		p, err := paramValues(op.Params)
		if err != nil {
			opErrs[i], failed = []apiError{{Code: CodeInvalidParameter, Message: err.Error()}}, true
			continue
		}
		var herr *httpError
		switch op.OperationType {
		case "Create":
			e, errs := s.newEntityLocked(sp, acct, p)
			if len(errs) > 0 {
				herr = &httpError{errs: errs}
			}
			writes[i] = write{create: true, e: e}
			counts[0]++
		case "Update", "Delete":
			id := p.Get(sp.idParam)
			if id == "" {
				herr = missing(sp.idParam)
				break
			}
			var e entity
			var pos uint32
			if op.OperationType == "Update" {
				e, pos, herr = s.updateLocked(sp, acct, id, p, staged)
				counts[1]++
			} else {
				e, pos, herr = s.deleteLocked(sp, acct, id, staged)
				counts[2]++
			}
			if herr == nil {
				staged[pos] = e
				writes[i] = write{pos: pos, e: e}
			}
		default:
			herr = invalid("operation_type", "operation_type must be Create, Update or Delete, got %q", op.OperationType)
		}
		if herr != nil {
			opErrs[i], failed = herr.errs, true
		} else {
			opErrs[i] = []apiError{}
		}
	}
	if failed {
		return nil, opErrs, [3]int{}
	}
	data := make([]entity, len(ops))
	for i, w := range writes {
		if w.create {
			data[i] = st.createLocked(sp, acct, w.e)
		} else {
			st.putLocked(sp.kind, acct, w.pos, w.e)
			data[i] = w.e
		}
	}
	return data, nil, counts
}

// paramValues turns a JSON params object into request parameters: numbers
// and booleans as text, arrays joined with commas, null as empty (unset).
func paramValues(m map[string]any) (url.Values, error) {
	p := url.Values{}
	for k, v := range m {
		s, err := paramText(v)
		if err != nil {
			return nil, fmt.Errorf("params.%s: %w", k, err)
		}
		p.Set(k, s)
	}
	return p, nil
}

func paramText(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case bool:
		return fmt.Sprint(v), nil
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			s, err := paramText(x)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("objects are not valid parameter values")
}
