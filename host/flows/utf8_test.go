package flows

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/openintegrator/integrator/shared"
)

// The scanner copies a string's bytes exactly, valid UTF-8 or not, and
// flags the strings it copies that are not valid UTF-8, however the
// input is split into reads.
func TestJSONScannerKeepsInvalidUTF8(t *testing.T) {
	for _, tt := range []struct {
		in  string
		bad bool
	}{
		{`"plain"`, false},
		{`"Café 🚀 ünï"`, false},
		{`"\u00e9\ud83d\ude80 escaped"`, false},
		{"\"caf\xe9\"", true},                   // Latin-1, not UTF-8
		{"\"\xff\xfe\"", true},                  // bytes that never start a rune
		{"\"cut \xf0\x9f\x9a\"", true},          // a rune cut short
		{"\"\xed\xa0\x80\"", true},              // a surrogate, encoded
		{"\"\xc0\xaf\"", true},                  // an overlong encoding
		{"{\"k\xff\":1}", true},                 // in a key
		{"[1,{\"a\":[\"ok\",\"\x80\"]}]", true}, // deep inside
	} {
		for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
			s := newJSONScanner(r)
			c, err := s.token()
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := s.value(c, &got); err != nil {
				t.Fatalf("%q: %v", tt.in, err)
			}
			if got.String() != tt.in || s.badUTF8 != tt.bad {
				t.Errorf("%q: copied %q, flagged %v; want the same bytes, flagged %v", tt.in, got.String(), s.badUTF8, tt.bad)
			}
		}
		// A value that is skipped is not checked: it is not written.
		s := newJSONScanner(strings.NewReader(tt.in))
		c, _ := s.token()
		if err := s.value(c, nil); err != nil || s.badUTF8 {
			t.Errorf("%q skipped: %v, flagged %v", tt.in, err, s.badUTF8)
		}
	}
}

// readPage counts the records with invalid UTF-8 and finds the first;
// other fields of the answer do not count.
func TestReadPageCountsInvalidUTF8(t *testing.T) {
	body := "{\"request\":{\"x\xff\":\"\xfe\"},\"data\":[{\"id\":1},{\"name\":\"caf\xe9\"},{\"id\":3},{\"t\xff\":[\"\x80\",\"\x81\"]}],\"next_cursor\":null}"
	var buf bytes.Buffer
	pg, err := readPage(strings.NewReader(body), testFields("data"), 0, &buf)
	if err != nil {
		t.Fatal(err)
	}
	want := "{\"id\":1}\n{\"name\":\"caf\xe9\"}\n{\"id\":3}\n{\"t\xff\":[\"\x80\",\"\x81\"]}\n"
	if buf.String() != want || pg.records != 4 || pg.badUTF8 != 2 || pg.firstBad != 1 {
		t.Errorf("%q: %d records, %d with invalid UTF-8, first %d", buf.String(), pg.records, pg.badUTF8, pg.firstBad)
	}
}

// An export keeps records with invalid UTF-8 byte for byte, warns on
// stderr about the first one (even without progress), and counts them
// in its summary.
func TestExportKeepsInvalidUTF8AndSaysSo(t *testing.T) {
	pages := map[string]string{
		"":   "{\"data\":[{\"id\":1,\"name\":\"ok\"},{\"id\":2,\"name\":\"ok\"}],\"next_cursor\":\"p2\"}",
		"p2": "{\"data\":[{\"id\":3,\"name\":\"ok\"},{\"id\":4,\"name\":\"caf\xe9\"},{\"id\":5,\"name\":\"\xff\"}],\"next_cursor\":\"p3\"}",
		"p3": "{\"data\":[{\"id\":6,\"name\":\"\xc3\"}],\"next_cursor\":null}",
	}
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		cursor := ""
		for _, q := range req.Query {
			if q.Key == "cursor" {
				cursor = q.Value
			}
		}
		return answer(200, pages[cursor]), nil
	})
	out := filepath.Join(t.TempDir(), "o.jsonl")
	stderr := &recorder{}
	x := testExport(t, testStore(t), p, out)
	x.Progress = stderr
	sum, err := x.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := "{\"id\":1,\"name\":\"ok\"}\n{\"id\":2,\"name\":\"ok\"}\n{\"id\":3,\"name\":\"ok\"}\n{\"id\":4,\"name\":\"caf\xe9\"}\n{\"id\":5,\"name\":\"\xff\"}\n{\"id\":6,\"name\":\"\xc3\"}\n"
	if got := readFile(t, out); got != want {
		t.Errorf("output:\n%q\nwant\n%q", got, want)
	}
	if sum.Records != 6 || sum.InvalidUTF8 != 3 {
		t.Errorf("summary %+v", sum)
	}
	if !strings.Contains(stderr.String(), "warning: line 4 of the output holds bytes that are not valid UTF-8; it is kept as the API sent it") ||
		strings.Count(stderr.String(), "warning:") != 1 {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	// A second run of the same Export counts afresh.
	if sum, err := x.Run(context.Background()); err != nil || sum.InvalidUTF8 != 3 {
		t.Errorf("second run: %+v %v", sum, err)
	}
}
