package flows

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// decodeAll decodes one JSON value keeping numbers as written.
func decodeAll(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// topLevelKeys returns the keys of the JSON object b in order, or false
// when b is not an object.
func topLevelKeys(b []byte) ([]string, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, false
		}
	}
	return keys, true
}

// FuzzReadPage feeds the export's record extractor arbitrary list
// responses. Whatever the input, it must not panic, and what it wrote must
// be exactly pg.records lines, each one complete JSON value. For a
// well-formed response (one JSON object, each key once) it must agree
// with encoding/json: the records, in order (as many as the limit allows),
// next_cursor and total_count. Records keep their bytes, valid UTF-8 or
// not, and the records counted as invalid UTF-8 are the lines that are.
func FuzzReadPage(f *testing.F) {
	f.Add([]byte(`{"data":[{"id":"a"},{"id":"b","n":1.50}],"next_cursor":"c2","total_count":2,"request":{"params":{}}}`), "data", uint8(0))
	f.Add([]byte(`{"next_cursor":null,"data":[]}`), "data", uint8(1))
	f.Add([]byte("{\"data\":[{\"a\":\n\"x\\ny\"},\n 7, \"s\", null, [1,[2]]],\"next_cursor\":12}"), "data", uint8(2))
	f.Add([]byte(`{"data":null}`), "data", uint8(0))
	f.Add([]byte(`{"rows":[1],"data":{"x":1}}`), "rows", uint8(3))
	f.Add([]byte(`{"data":[1,2,3],"data":[4]}`), "data", uint8(0))
	f.Add([]byte(`{"data":[1] , "next_cursor": true}`), "data", uint8(0))
	f.Add([]byte(`[{"data":[]}]`), "data", uint8(0))
	f.Add([]byte(`{"data":[1,2,3]} trailing`), "data", uint8(2))
	f.Add([]byte("{\"data\":[{\"n\":\"caf\xe9\"},\"\xf0\x9f\x9a\x80\",{\"k\xff\":[\"\x80\"]}],\"next_cursor\":\"\xfe\"}"), "data", uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, field string, lim uint8) {
		limit := int64(lim % 6)
		var buf bytes.Buffer
		pg, err := readPage(bytes.NewReader(data), testFields(field), limit, &buf)

		lines := strings.SplitAfter(buf.String(), "\n")
		if lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		if int64(len(lines)) != pg.records {
			t.Fatalf("%d lines written for %d records", len(lines), pg.records)
		}
		for _, l := range lines {
			if !strings.HasSuffix(l, "\n") || strings.ContainsAny(strings.TrimSuffix(l, "\n"), "\r\n") || !json.Valid([]byte(l)) {
				t.Fatalf("line %q is not one JSON value on one line", l)
			}
		}
		bad := int64(0)
		for _, l := range lines {
			if !utf8.ValidString(l) {
				bad++
			}
		}
		if bad != pg.badUTF8 {
			t.Fatalf("%d lines are not valid UTF-8, %d records were counted so", bad, pg.badUTF8)
		}
		if limit > 0 && pg.records > limit {
			t.Fatalf("%d records kept with a limit of %d", pg.records, limit)
		}
		if err != nil || !json.Valid(data) {
			return
		}

		keys, ok := topLevelKeys(data)
		if !ok {
			t.Fatalf("readPage accepted %q, which is not an object", data)
		}
		seen := map[string]bool{}
		for _, k := range keys {
			if seen[k] {
				return // repeated keys: encoding/json keeps the last, readPage reads each
			}
			seen[k] = true
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		raw, ok := doc[field]
		if !ok {
			t.Fatalf("readPage accepted a response without %q", field)
		}
		var want []json.RawMessage
		if string(raw) != "null" {
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatalf("readPage accepted %s as the records", raw)
			}
		}
		if !pg.cut && int64(len(want)) != pg.records {
			t.Fatalf("%d records read, the response has %d", pg.records, len(want))
		}
		if pg.cut && (limit == 0 || pg.records != limit || int64(len(want)) <= limit) {
			t.Fatalf("cut after %d records (limit %d, %d in the response)", pg.records, limit, len(want))
		}
		for i, l := range lines {
			got, err1 := decodeAll([]byte(l))
			exp, err2 := decodeAll(want[i])
			if err1 != nil || err2 != nil || !reflect.DeepEqual(got, exp) {
				t.Fatalf("record %d is %s, want %s", i, l, want[i])
			}
		}
		if pg.cut {
			return // reading stopped: next_cursor and total_count may come later
		}
		switch nc := doc["next_cursor"]; {
		case nc == nil || string(nc) == "null":
			if pg.next != nil {
				t.Fatalf("next cursor %q, the response has %s", *pg.next, nc)
			}
		case nc[0] == '"':
			var s string
			_ = json.Unmarshal(nc, &s)
			if pg.next == nil || *pg.next != s {
				t.Fatalf("next cursor %v, the response has %s", pg.next, nc)
			}
		}
		var total json.Number
		wantTotal := int64(-1)
		if tc, ok := doc["total_count"]; ok && json.Unmarshal(tc, &total) == nil {
			if n, err := total.Int64(); err == nil {
				wantTotal = n
			}
		}
		if pg.total != wantTotal {
			t.Fatalf("total %d, want %d", pg.total, wantTotal)
		}
	})
}
