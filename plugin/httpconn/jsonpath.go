package httpconn

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// ValueAt returns the value at path in a JSON body, as text: a string as
// it is, anything else as JSON (true, 12, null). A path is keys joined by
// dots, after an optional "$."; a number indexes a list (data.0.id). ok
// is false when the body is not JSON or holds nothing there.
func ValueAt(body []byte, path string) (text string, ok bool) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return "", false
	}
	if v, ok = walk(v, path); !ok {
		return "", false
	}
	if s, isString := v.(string); isString {
		return s, true
	}
	b, _ := json.Marshal(v)
	return string(b), true
}

// walk follows a path (see ValueAt; "$" alone, or nothing, is v itself)
// through decoded JSON.
func walk(v any, path string) (any, bool) {
	path = strings.TrimPrefix(strings.TrimPrefix(path, "$"), ".")
	if path == "" {
		return v, true
	}
	for _, key := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[key]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}
