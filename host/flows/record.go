package flows

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/openintegrator/integrator/shared"
)

// field is one field of an input record; records keep their input order.
type field struct {
	key string
	raw json.RawMessage
}

// parseRecord reads one JSON object.
func parseRecord(line []byte) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	var fs []field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("not JSON: %w", err)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("not JSON: %w", err)
		}
		fs = append(fs, field{key: tok.(string), raw: raw})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("more than one JSON value on the line")
	}
	return fs, nil
}

// template is a path with {field} placeholders, such as
// accounts/{account_id}/campaigns/{id}.
type template struct {
	lits  []string // len(names)+1 literal parts around the placeholders
	names []string
}

func parseTemplate(s string) (template, error) {
	var t template
	rest := s
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			if strings.IndexByte(rest, '}') >= 0 {
				return t, fmt.Errorf("path template %q: a } without {", s)
			}
			t.lits = append(t.lits, rest)
			return t, nil
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return t, fmt.Errorf("path template %q: a { without }", s)
		}
		name := rest[i+1 : i+j]
		if name == "" || strings.ContainsAny(name, "{/") {
			return t, fmt.Errorf("path template %q: %q is not a field name", s, "{"+name+"}")
		}
		t.lits = append(t.lits, rest[:i])
		t.names = append(t.names, name)
		rest = rest[i+j+1:]
	}
}

// fill puts the record's values in the placeholders, path-escaped, and
// returns the fields it did not use.
func (t template) fill(fs []field) (string, []field, error) {
	var b strings.Builder
	used := map[string]bool{}
	for i, name := range t.names {
		b.WriteString(t.lits[i])
		f, ok := lookup(fs, name)
		if !ok {
			return "", nil, fmt.Errorf("the record has no %q field for the path", name)
		}
		v, err := scalarText(f.raw)
		if err != nil || v == "" {
			return "", nil, fmt.Errorf("field %q cannot fill the path: it must be a non-empty string or a number", name)
		}
		b.WriteString(url.PathEscape(v))
		used[name] = true
	}
	b.WriteString(t.lits[len(t.lits)-1])
	var rest []field
	for _, f := range fs {
		if !used[f.key] {
			rest = append(rest, f)
		}
	}
	return b.String(), rest, nil
}

func lookup(fs []field, key string) (field, bool) {
	for _, f := range fs {
		if f.key == key {
			return f, true
		}
	}
	return field{}, false
}

// scalarText is a string's text, or a number's or a boolean's literal.
func scalarText(raw json.RawMessage) (string, error) {
	switch {
	case len(raw) == 0:
		return "", errors.New("empty value")
	case raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case raw[0] == '{' || raw[0] == '[' || bytes.Equal(raw, []byte("null")):
		return "", errors.New("not a scalar")
	}
	return string(raw), nil // a number, true or false
}

// paramText is how a value goes in a query string or a form, by the X
// Ads convention: scalars as text, null as empty (which unsets a field on
// update), arrays of scalars joined with commas.
func paramText(key string, raw json.RawMessage) (string, error) {
	if bytes.Equal(raw, []byte("null")) {
		return "", nil
	}
	if len(raw) > 0 && raw[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return "", err
		}
		parts := make([]string, len(items))
		for i, it := range items {
			s, err := scalarText(it)
			if err != nil {
				return "", fmt.Errorf("field %q: a list may hold only strings, numbers and booleans; send it with ⟪as⟫ json", key)
			}
			parts[i] = s
		}
		return strings.Join(parts, ","), nil
	}
	s, err := scalarText(raw)
	if err != nil {
		return "", fmt.Errorf("field %q is an object; send it with ⟪as⟫ json", key)
	}
	return s, nil
}

// Ways to send a record's fields.
const (
	AsQuery = "query"
	AsForm  = "form"
	AsJSON  = "json"
)

// recordRequest builds the request of one record: the path filled from
// the record, the other fields as parameters or a body.
func recordRequest(method string, path template, as string, fs []field) (shared.Request, error) {
	p, rest, err := path.fill(fs)
	if err != nil {
		return shared.Request{}, err
	}
	req := shared.Request{Method: method, URL: p}
	switch as {
	case AsJSON:
		req.Body = jsonObject(rest)
		req.Header = []shared.Header{{Name: "Content-Type", Value: "application/json"}}
	case AsForm:
		var b strings.Builder
		for i, f := range rest {
			v, err := paramText(f.key, f.raw)
			if err != nil {
				return req, err
			}
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(f.key) + "=" + url.QueryEscape(v))
		}
		req.Body = []byte(b.String())
		req.Header = []shared.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}}
	default:
		for _, f := range rest {
			v, err := paramText(f.key, f.raw)
			if err != nil {
				return req, err
			}
			req.Query = append(req.Query, shared.Param{Key: f.key, Value: v})
		}
	}
	return req, nil
}

// jsonObject writes fields as a JSON object, in order, values unchanged.
func jsonObject(fs []field) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.key)
		b.Write(k)
		b.WriteByte(':')
		json.Compact(&b, f.raw)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// operationType is the batch operation of a method.
func operationType(method string) string {
	switch method {
	case "PUT":
		return "Update"
	case "DELETE":
		return "Delete"
	}
	return "Create"
}

// batchRequest builds a batch request: a JSON array of operations, one
// per record, each with the record's remaining fields as its params.
func batchRequest(path, opType string, ops [][]field) shared.Request {
	var b bytes.Buffer
	b.WriteByte('[')
	op, _ := json.Marshal(opType)
	for i, fs := range ops {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"operation_type":`)
		b.Write(op)
		b.WriteString(`,"params":`)
		b.Write(jsonObject(fs))
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return shared.Request{Method: "POST", URL: path, Body: b.Bytes(),
		Header: []shared.Header{{Name: "Content-Type", Value: "application/json"}}}
}
