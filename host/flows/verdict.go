package flows

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// Codes the import writes for failures it finds itself. Others come from
// the API (INVALID_PARAMETER, ...) or the connector (outcome_unknown, ...).
const (
	CodeInvalidRecord    = "invalid_record"    // the line is not a usable record; nothing was sent
	CodeOutcomeUnknown   = "outcome_unknown"   // the connector's code: the write may have been applied
	CodePluginStopped    = "plugin_stopped"    // the plugin died while the request was out
	CodeBatchRefused     = "batch_refused"     // another operation of its batch failed, so none was applied
	CodeUnreadableAnswer = "unreadable_answer" // applied, but the answer could not be read
	CodeNotSent          = "not_sent"          // the plugin could not be started, so nothing was sent
)

// retryCodes are the connector's codes for requests that did not reach
// the API, or (for reads) failed on the way: safe to send again.
var retryCodes = map[string]bool{
	"connection_refused": true, "dns_error": true, "tls_error": true, "connection_failed": true,
	"connection_reset": true, "network_error": true, "timeout": true, "body_idle": true,
}

// verdict is what became of one request.
type verdict struct {
	state   string // a store.Import* state; "" means send it again
	status  int
	code    string
	message string
	ids     []string     // created ids, in order (a batch: one per operation)
	opErrs  [][]apiError // a refused batch: the errors of each operation
	limited bool         // a rate limit (of any status) or 503: the limiter holds everyone back
	pending bool         // not an outcome: the records are sent again
}

type apiError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Parameter string `json:"parameter"`
}

// maxAnswer bounds how much of an answer the import reads.
const maxAnswer = 16 << 20

// judge decides about one answer of method (the HTTP method, or the batch
// operation's for batches). It reads and closes the body.
func judge(method string, batch bool, resp *shared.Response, err error) verdict {
	idempotent := method != http.MethodPost
	if err != nil {
		if idempotent {
			return verdict{code: CodePluginStopped, message: err.Error()}
		}
		return verdict{state: store.ImportUnknown, code: CodePluginStopped,
			message: "the plugin stopped while the request was out, so the API may have applied it: " + err.Error()}
	}
	defer resp.Body.Close()
	h := resp.ResponseHead
	if d, ok := withCode(h.Diagnostics, CodeOutcomeUnknown); ok && (h.Status == 0 || h.Status >= 500) {
		if idempotent { // applying it twice does no harm
			return verdict{status: h.Status, code: d.Code, message: d.Summary}
		}
		return verdict{state: store.ImportUnknown, status: h.Status, code: d.Code, message: d.Summary}
	}
	code, msg := firstError(h)
	switch st := h.Status; {
	case st >= 200 && st < 300:
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
		if err != nil {
			return verdict{state: store.ImportOK, status: st, code: CodeUnreadableAnswer,
				message: "the API applied it, but its answer could not be read: " + err.Error()}
		}
		return verdict{state: store.ImportOK, status: st, ids: createdIDs(body)}
	case rateLimited(h), st == http.StatusServiceUnavailable:
		return verdict{status: st, code: code, message: msg, limited: true}
	case st == 0:
		if retryCodes[code] {
			return verdict{code: code, message: msg}
		}
		return verdict{state: store.ImportFailed, code: code, message: msg}
	case st >= 500 && idempotent:
		return verdict{status: st, code: code, message: msg}
	case st >= 500: // a POST the connector did not call unknown: treat it so anyway
		return verdict{state: store.ImportUnknown, status: st, code: CodeOutcomeUnknown,
			message: fmt.Sprintf("the API answered %d, so it may have applied it", st)}
	case batch && st == http.StatusBadRequest:
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
		var b struct {
			OperationErrors [][]apiError `json:"operation_errors"`
		}
		if json.Unmarshal(body, &b) == nil && len(b.OperationErrors) > 0 {
			return verdict{state: store.ImportFailed, status: st, code: code, message: msg, opErrs: b.OperationErrors}
		}
	}
	return verdict{state: store.ImportFailed, status: h.Status, code: code, message: msg}
}

func withCode(ds schema.Diagnostics, code string) (schema.Diagnostic, bool) {
	for _, d := range ds {
		if d.Code == code {
			return d, true
		}
	}
	return schema.Diagnostic{}, false
}

// firstError is the code and message of the first error diagnostic.
func firstError(h shared.ResponseHead) (string, string) {
	for _, d := range h.Diagnostics {
		if d.Severity != schema.SeverityWarning {
			code := d.Code
			if code == "" {
				code = "error"
			}
			return code, d.Error()
		}
	}
	if h.Status == 0 {
		return "no_answer", "no answer"
	}
	return fmt.Sprintf("http_%d", h.Status), fmt.Sprintf("HTTP %d", h.Status)
}

// createdIDs reads the ids in an answer's data: an object's id, or the id
// of each object in an array.
func createdIDs(body []byte) []string {
	var b struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &b) != nil || len(b.Data) == 0 {
		return nil
	}
	type withID struct {
		ID json.RawMessage `json:"id"`
	}
	text := func(w withID) string {
		s, err := scalarText(w.ID)
		if err != nil {
			return ""
		}
		return s
	}
	if b.Data[0] == '[' {
		var list []withID
		if json.Unmarshal(b.Data, &list) != nil {
			return nil
		}
		ids := make([]string, len(list))
		for i, w := range list {
			ids[i] = text(w)
		}
		return ids
	}
	var one withID
	if json.Unmarshal(b.Data, &one) != nil {
		return nil
	}
	return []string{text(one)}
}

// opError describes a batch operation's errors in one line.
func opError(errs []apiError) (string, string) {
	if len(errs) == 0 {
		return CodeBatchRefused, "another operation of its batch failed, so none was applied"
	}
	var msgs []string
	for _, e := range errs {
		m := e.Message
		if e.Parameter != "" {
			m = e.Parameter + ": " + m
		}
		msgs = append(msgs, m)
	}
	return errs[0].Code, strings.Join(msgs, "; ")
}
