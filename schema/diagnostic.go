package schema

import (
	"fmt"
	"strings"
)

// Severity says how bad a diagnostic is.
type Severity string

// The severities of a diagnostic.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Diagnostic is one problem or remark about a configuration or a request. It
// is data, not an error: connectors return all of them at once.
type Diagnostic struct {
	Severity Severity
	Field    string // the field key it is about, or "" for the whole thing
	Code     string // stable, machine-readable, e.g. "missing_required"
	Summary  string // one line a user understands
	Detail   string // what to do about it
}

// Error formats the diagnostic as one line: "field: summary (detail)".
func (d Diagnostic) Error() string {
	var b strings.Builder
	if d.Field != "" {
		b.WriteString(d.Field)
		b.WriteString(": ")
	}
	b.WriteString(d.Summary)
	if d.Detail != "" {
		b.WriteString(" (")
		b.WriteString(d.Detail)
		b.WriteString(")")
	}
	return b.String()
}

// Errorf returns an error diagnostic about field.
func Errorf(field, code, detail, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: SeverityError, Field: field, Code: code, Summary: fmt.Sprintf(format, args...), Detail: detail}
}

// Warningf returns a warning diagnostic about field.
func Warningf(field, code, detail, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: SeverityWarning, Field: field, Code: code, Summary: fmt.Sprintf(format, args...), Detail: detail}
}

// Diagnostics is a list of diagnostics.
type Diagnostics []Diagnostic

// HasError reports whether any diagnostic is an error.
func (ds Diagnostics) HasError() bool {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// ForField returns the diagnostics about one field.
func (ds Diagnostics) ForField(key string) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Field == key {
			out = append(out, d)
		}
	}
	return out
}

// Stable diagnostic codes of the generic validation.
const (
	CodeMissingRequired = "missing_required"
	CodeWrongKind       = "wrong_kind"
	CodeNotInEnum       = "not_in_enum"
	CodeUnknownKey      = "unknown_key"
	CodeWhitespace      = "surrounding_whitespace"
	CodeInvalidURL      = "invalid_url"
	CodeOutOfRange      = "out_of_range"   // an int outside the field's Min and Max
	CodeNotApplicable   = "not_applicable" // a value for a field that does not apply (see Spec.Shown)
	CodeBadEntry        = "bad_entry"      // a key/value list entry without a usable name, or with a value that is not UTF-8
	CodeFixed           = "fixed"          // a value other than the default of a fixed field (Field.Fixed)
)
