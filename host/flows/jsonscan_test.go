package flows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

// randomJSON writes a random JSON value with random whitespace.
func randomJSON(r *rand.Rand, b *strings.Builder, depth int) {
	ws := func() {
		for range r.IntN(3) {
			b.WriteByte(" \n\t\r"[r.IntN(4)])
		}
	}
	ws()
	switch k := r.IntN(8); {
	case depth > 3 || k < 4:
		b.WriteString([]string{`0`, `-12.5e+3`, `true`, `false`, `null`, `"a\"b\\"`, `"x\ny\u00e9 ü {[,:]}"`, `""`, `1E9`}[r.IntN(9)])
	case k < 6:
		b.WriteByte('[')
		for i := range r.IntN(4) {
			if i > 0 {
				ws()
				b.WriteByte(',')
			}
			randomJSON(r, b, depth+1)
		}
		ws()
		b.WriteByte(']')
	default:
		b.WriteByte('{')
		for i := range r.IntN(4) {
			if i > 0 {
				b.WriteByte(',')
			}
			ws()
			fmt.Fprintf(b, `"k%d\"{"`, i)
			ws()
			b.WriteByte(':')
			randomJSON(r, b, depth+1)
		}
		ws()
		b.WriteByte('}')
	}
	ws()
}

// TestJSONScannerMatchesCompact compares the scanner with json.Compact on
// random values, read one byte at a time and in one piece.
func TestJSONScannerMatchesCompact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		var b strings.Builder
		randomJSON(r, &b, 0)
		in := b.String()
		var want bytes.Buffer
		if err := json.Compact(&want, []byte(in)); err != nil {
			t.Fatalf("generator made invalid JSON %q: %v", in, err)
		}
		for _, reader := range []io.Reader{strings.NewReader(in), iotest.OneByteReader(strings.NewReader(in))} {
			s := newJSONScanner(reader)
			c, err := s.token()
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := s.value(c, &got); err != nil {
				t.Fatalf("%q: %v", in, err)
			}
			if got.String() != want.String() || !s.atEnd() {
				t.Fatalf("%q:\n got %s\nwant %s", in, got.String(), want.String())
			}
		}
	}
}

// TestReadPageTruncated cuts a page at every byte: no cut may pass as a
// complete page, so a broken download is never checkpointed.
func TestReadPageTruncated(t *testing.T) {
	body := `{"data":[{"a":"x,]}","b":[1,2.5,{"c":null}]},{"d":true}],"next_cursor":"n1","total_count":2}`
	var buf bytes.Buffer
	if _, err := readPage(strings.NewReader(body), testFields("data"), 0, &buf); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(body); i++ {
		buf.Reset()
		if pg, err := readPage(strings.NewReader(body[:i]), testFields("data"), 0, &buf); err == nil {
			t.Errorf("cut at %d (%q) read as %+v", i, body[:i], pg)
		}
	}
}

func TestJSONScannerRefuses(t *testing.T) {
	for _, in := range []string{`[1,}`, `{"a":1]`, `"abc`, "\"a\x01\"", `tru`, `nulls`, `[1 2`, `{"a":[}`, `-x`, `[` + strings.Repeat("a", 40) + `]`,
		`01`, `-`, `1.`, `.5`, `1e`, `1e+`, `--1`, `"\x"`, `"\u12g4"`, `"\u12"`} {
		s := newJSONScanner(strings.NewReader(in))
		c, err := s.token()
		if err == nil {
			err = s.value(c, &bytes.Buffer{})
		}
		if err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}
