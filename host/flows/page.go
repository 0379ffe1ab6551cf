package flows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// page is one list response, its records already turned into JSON Lines.
type page struct {
	records  int64   // lines put in the buffer
	next     *string // the next cursor, URL or page number; nil: this is the last page
	total    int64   // the whole list's count; -1 when the answer does not say
	cut      bool    // reading stopped at the record limit
	badUTF8  int64   // records with strings that are not valid UTF-8, kept as they are
	firstBad int64   // the index of the first of them in the page
}

// pageFields name an answer's top-level fields: the records, the next
// cursor or URL ("" when the answer holds none), the total count ("": none).
type pageFields struct {
	records, next, total string
}

// readPage reads a list response from r: an object whose records field
// holds an array of records, with the next and total fields beside it, in
// any order. Records are appended to buf as JSON Lines; at most limit are
// kept (0: no limit), and reading stops there. Each record keeps the
// bytes of its strings exactly, even those that are not valid UTF-8: such
// records are counted, not repaired or refused.
func readPage(r io.Reader, fields pageFields, limit int64, buf *bytes.Buffer) (page, error) {
	field := fields.records
	pg := page{total: -1}
	s := newJSONScanner(r)
	if c, err := s.token(); err != nil {
		return pg, err
	} else if c != '{' {
		return pg, fmt.Errorf("the response is not a JSON object (it starts with %q)", c)
	}
	found := false
	var small bytes.Buffer
	for first := true; ; first = false {
		c, err := s.token()
		if err != nil {
			return pg, err
		}
		if c == '}' && first {
			break
		}
		if c != '"' {
			return pg, fmt.Errorf("%w: %q where a key belongs", errSyntax, c)
		}
		small.Reset()
		if err := s.str(&small); err != nil {
			return pg, err
		}
		var key string
		if err := json.Unmarshal(small.Bytes(), &key); err != nil {
			return pg, err
		}
		if err := s.expect(':'); err != nil {
			return pg, err
		}
		c, err = s.token()
		if err != nil {
			return pg, err
		}
		switch {
		case key == field:
			found = true
			if err := readRecords(s, field, c, limit, buf, &pg); err != nil || pg.cut {
				return pg, err
			}
		case key != "" && (key == fields.next || key == fields.total):
			small.Reset()
			if err := s.value(c, &small); err != nil {
				return pg, err
			}
			if err := pg.set(key == fields.total, key, small.Bytes()); err != nil {
				return pg, err
			}
		default:
			if err := s.value(c, nil); err != nil {
				return pg, err
			}
		}
		if c, err = s.token(); err != nil {
			return pg, err
		}
		if c == '}' {
			break
		}
		if c != ',' {
			return pg, fmt.Errorf("%w: %q between fields", errSyntax, c)
		}
	}
	if !s.atEnd() {
		return pg, fmt.Errorf("%w: more after the response object", errSyntax)
	}
	if !found {
		return pg, fmt.Errorf("the response has no %q field; name the field that holds the records with ⟪records⟫", field)
	}
	return pg, nil
}

func (pg *page) set(total bool, key string, raw []byte) error {
	if total {
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			if v, err := n.Int64(); err == nil {
				pg.total = v
			}
		}
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	switch v := v.(type) {
	case nil:
	case string:
		pg.next = &v
	case float64:
		s := string(raw)
		pg.next = &s
	default:
		return fmt.Errorf("%s is neither a string nor null", key)
	}
	return nil
}

// readRecords reads the records array in field, whose first token is c.
func readRecords(s *jsonScanner, field string, c byte, limit int64, buf *bytes.Buffer, pg *page) error {
	if c == 'n' { // "data": null is an empty page
		return s.scalar(c, nil)
	}
	if c != '[' {
		return fmt.Errorf("the response's %q field holds %s, not a list of records: export a path that answers a list, or name the field that holds the records with ⟪records⟫",
			field, jsonKind(c))
	}
	for first := true; ; first = false {
		c, err := s.token()
		if err != nil {
			return err
		}
		if c == ']' && first {
			return nil
		}
		if limit > 0 && pg.records >= limit {
			pg.cut = true
			return nil
		}
		mark := buf.Len()
		s.badUTF8 = false
		if err := s.value(c, buf); err != nil {
			buf.Truncate(mark) // no part of a record
			return err
		}
		buf.WriteByte('\n')
		if s.badUTF8 {
			if pg.badUTF8 == 0 {
				pg.firstBad = pg.records
			}
			pg.badUTF8++
		}
		pg.records++
		if c, err = s.token(); err != nil {
			return err
		}
		if c == ']' {
			return nil
		}
		if c != ',' {
			return fmt.Errorf("%w: %q between records", errSyntax, c)
		}
	}
}

// jsonKind names the kind of JSON value that starts with c.
func jsonKind(c byte) string {
	switch {
	case c == '{':
		return "an object"
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "true or false"
	case c == '-' || c >= '0' && c <= '9':
		return "a number"
	}
	return fmt.Sprintf("%q", c)
}
