package flows

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/shared"
)

// An export paged by Link headers follows them in every shape RFC 8288
// allows: the next link in a second Link field, in a field of another
// case, a next URL with commas in its query, other links whose quoted
// parameters hold commas and semicolons (one saying rel=next in its
// title), an unquoted and a listed rel. Every record is written once.
func TestExportFollowsLinkHeadersOfEveryShape(t *testing.T) {
	for name, link := range map[string]func(next string) []shared.Header{
		"a field per link": func(next string) []shared.Header {
			return []shared.Header{{Name: "Link", Value: `<https://api.example/first>; rel="first"`},
				{Name: "Link", Value: `<` + next + `>; rel="next"`}}
		},
		"a field in lower case after another header": func(next string) []shared.Header {
			return []shared.Header{{Name: "Link", Value: `<https://api.example/first>; rel=first`},
				{Name: "X-Other", Value: "1"}, {Name: "link", Value: `<` + next + `>; rel=next`}}
		},
		"commas in the next URL": func(next string) []shared.Header {
			return []shared.Header{{Name: "Link", Value: `<https://api.example/first?fields=a,b>; rel="first", <` + next + `&fields=a,b>; rel="next"`}}
		},
		"quoted parameters with commas and semicolons": func(next string) []shared.Header {
			return []shared.Header{{Name: "Link", Value: `<https://api.example/help>; title="see; rel=next, or not"; rel="help", <` +
				next + `>; title="the \"next\" page, of many"; rel="next"`}}
		},
		"a list of types, spaces around =": func(next string) []shared.Header {
			return []shared.Header{{Name: "Link", Value: `<https://api.example/first>; rel = "first prev", <` + next + `> ; REL = "Last NEXT"`}}
		},
	} {
		t.Run(name, func(t *testing.T) {
			api := &linkAPI{n: 10, link: link}
			p := NewPlugin(func(context.Context) (Conn, error) {
				return &fakeConn{handle: api.serve, describe: api.describe}, nil
			}, 0)
			var out bytes.Buffer
			x := testExport(t, testStore(t), p, "-")
			x.Stdout = &out
			sum, err := x.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var want strings.Builder
			for i := range 10 {
				fmt.Fprintf(&want, `{"i":%d}`+"\n", i)
			}
			if out.String() != want.String() || sum.Records != 10 {
				t.Errorf("%d records in %d requests:\n%s", sum.Records, api.requests, out.String())
			}
		})
	}
}

// linkAPI serves n records 3 a page, the next page in a Link header of
// the shape link makes.
type linkAPI struct {
	n, requests int
	link        func(next string) []shared.Header
}

func (a *linkAPI) describe() (shared.Description, error) {
	return shared.Description{Paging: &shared.Paging{Style: shared.PagingLinkHeader, RecordsField: "items"}}, nil
}

func (a *linkAPI) serve(req shared.Request) (*shared.Response, error) {
	a.requests++
	u, _ := url.Parse(req.URL)
	from, _ := strconv.Atoi(u.Query().Get("from"))
	to := min(from+3, a.n)
	var items []string
	for i := from; i < to; i++ {
		items = append(items, fmt.Sprintf(`{"i":%d}`, i))
	}
	resp := answer(200, `{"items":[`+strings.Join(items, ",")+`]}`)
	if to < a.n {
		resp.Header = a.link(fmt.Sprintf("https://api.example/things?from=%d", to))
	}
	return resp, nil
}

func TestNextLinkParsesRFC8288(t *testing.T) {
	for _, tt := range []struct {
		values []string
		want   string
	}{
		{[]string{`<https://a/2>; rel="next"`}, "https://a/2"},
		{[]string{`<https://a/1>; rel="prev", <https://a/3>; rel=next`}, "https://a/3"},
		{[]string{`<https://a/9>; rel="last next"`}, "https://a/9"},
		{[]string{`<https://a/9>;rel=NEXT`}, "https://a/9"},
		{[]string{`<https://a/1>; rel="prev"`, `<https://a/2>; rel="next"`}, "https://a/2"},
		{[]string{`<https://a/1>; rel="prev"`, ``, `<https://a/2?x=1,2>; rel="next", <https://a/3>; rel="next"`}, "https://a/2?x=1,2"},
		{[]string{`<https://a/1>; title="x; rel=next"; rel="prev", <https://a/2>; rel="next"`}, "https://a/2"},
		{[]string{`<https://a/1>; title="x, <https://a/0>; rel=next"; rel="prev"`}, ""},
		{[]string{`<https://a/1>; title="a \"quoted\" word"; rel="next"`}, "https://a/1"},
		{[]string{`<https://a/1>; rel="prev"; rel="next"`}, ""}, // only the first rel counts
		{[]string{`<https://a/1>; anchor="#x"; rel="next"; hreflang=en`}, "https://a/1"},
		{[]string{`<https://a/1>; rel="prev"`}, ""},
		{[]string{``}, ""},
		{nil, ""},
		{[]string{`garbage; rel="next"`}, ""},
		{[]string{`garbage "with, a comma"; rel="next", <https://a/4>; rel="next"`}, "https://a/4"},
		{[]string{`<https://a/1> rel="next", <https://a/5>; rel="next"`}, "https://a/5"},
		{[]string{`<https://a/1; rel="next"`}, ""},
	} {
		if got := nextLink(tt.values...); got != tt.want {
			t.Errorf("%q: %q, want %q", tt.values, got, tt.want)
		}
	}
}
