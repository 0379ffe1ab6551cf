package httpoauth1

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// valueAt returns the value at path (keys joined by dots; a number
// indexes a list) in a JSON body, as text: a string as it is, anything
// else as JSON (true, 12, null). ok is false when the body is not JSON or
// holds nothing there.
func valueAt(body []byte, path string) (text string, ok bool) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return "", false
	}
	for _, key := range segments(path) {
		switch x := v.(type) {
		case map[string]any:
			if v, ok = x[key]; !ok {
				return "", false
			}
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(x) {
				return "", false
			}
			v = x[i]
		default:
			return "", false
		}
	}
	if s, isString := v.(string); isString {
		return s, true
	}
	b, _ := json.Marshal(v)
	return string(b), true
}
