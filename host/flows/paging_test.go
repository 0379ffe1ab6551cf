package flows

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/shared"
)

// styledAPI serves n records 3 a page in one paging style, with the
// connector's description to match.
type styledAPI struct {
	n        int
	style    shared.PagingStyle
	requests []shared.Request
}

func (a *styledAPI) describe() (shared.Description, error) {
	p := shared.Paging{Style: a.style, RecordsField: "items"}
	switch a.style {
	case shared.PagingNextURL:
		p.NextURLField = "next_page_url"
	case shared.PagingPage:
		p.PageParam, p.FirstPage, p.PageSizeParam = "page", 1, "per_page"
	}
	return shared.Description{Paging: &p}, nil
}

func (a *styledAPI) serve(req shared.Request) (*shared.Response, error) {
	a.requests = append(a.requests, req)
	from := 0
	u, _ := url.Parse(req.URL)
	q := u.Query()
	for _, p := range req.Query {
		q.Add(p.Key, p.Value)
	}
	switch a.style {
	case shared.PagingNextURL, shared.PagingLinkHeader:
		from, _ = strconv.Atoi(q.Get("from"))
	case shared.PagingPage:
		page, _ := strconv.Atoi(q.Get("page"))
		from = (page - 1) * 3
	}
	to := min(from+3, a.n)
	if a.style == shared.PagingNone {
		to = a.n
	}
	var items []string
	for i := from; i < to; i++ {
		items = append(items, fmt.Sprintf(`{"i":%d}`, i))
	}
	body := `{"items":[` + strings.Join(items, ",") + `]`
	resp := answer(200, "")
	if to < a.n {
		next := fmt.Sprintf("https://api.example/things?from=%d", to)
		switch a.style {
		case shared.PagingNextURL:
			body += `,"next_page_url":"` + next + `"`
		case shared.PagingLinkHeader:
			resp.Header = []shared.Header{{Name: "Link", Value: `<https://api.example/first>; rel="first", <` + next + `>; rel="next"`}}
		}
	}
	resp.Body = answer(200, body+"}").Body
	return resp, nil
}

// An export follows each paging style the connector describes, and writes
// every record once.
func TestExportFollowsEachPagingStyle(t *testing.T) {
	for _, style := range []shared.PagingStyle{shared.PagingNextURL, shared.PagingLinkHeader, shared.PagingPage, shared.PagingNone} {
		t.Run(style.String(), func(t *testing.T) {
			api := &styledAPI{n: 10, style: style}
			p := NewPlugin(func(context.Context) (Conn, error) {
				return &fakeConn{handle: api.serve, describe: api.describe}, nil
			}, 0)
			var out bytes.Buffer
			x := testExport(t, testStore(t), p, "-")
			x.Stdout = &out
			x.Params = []shared.Param{{Key: "per_page", Value: "3"}}
			sum, err := x.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var want strings.Builder
			for i := range 10 {
				fmt.Fprintf(&want, `{"i":%d}`+"\n", i)
			}
			if out.String() != want.String() || sum.Records != 10 {
				t.Errorf("%+v:\n%s", sum, out.String())
			}
			wantRequests := map[shared.PagingStyle]int{shared.PagingNone: 1, shared.PagingPage: 4}[style]
			if wantRequests == 0 {
				wantRequests = 4
			}
			if len(api.requests) != wantRequests {
				t.Errorf("%d requests, want %d", len(api.requests), wantRequests)
			}
			if style == shared.PagingNextURL || style == shared.PagingLinkHeader {
				if r := api.requests[1]; r.URL != "https://api.example/things?from=3" || len(r.Query) != 0 {
					t.Errorf("the second request is %+v: the next URL as the API gave it", r)
				}
			}
		})
	}
}

// A connector that does not describe its paging runs no export; a records
// field named by the export wins over the connector's.
func TestExportNeedsTheConnectorsPaging(t *testing.T) {
	for name, describe := range map[string]func() (shared.Description, error){
		"unsupported": func() (shared.Description, error) {
			return shared.Description{}, fmt.Errorf("Describe: %w", shared.ErrUnsupported)
		},
		"no paging": func() (shared.Description, error) { return shared.Description{}, nil },
	} {
		p := NewPlugin(func(context.Context) (Conn, error) { return &fakeConn{describe: describe}, nil }, 0)
		x := testExport(t, testStore(t), p, "-")
		if _, err := x.Run(context.Background()); !errors.Is(err, ErrNoPaging) {
			t.Errorf("%s: %v", name, err)
		}
	}
	api := &listAPI{n: 5}
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		resp := api.serve(req)
		b := new(bytes.Buffer)
		b.ReadFrom(resp.Body)
		resp.Body = answer(200, strings.Replace(b.String(), `"data"`, `"rows"`, 1)).Body
		return resp, nil
	})
	var out bytes.Buffer
	x := testExport(t, testStore(t), p, "-")
	x.Stdout, x.RecordsField = &out, "rows"
	if sum, err := x.Run(context.Background()); err != nil || sum.Records != 5 {
		t.Fatalf("--records rows: %+v %v", sum, err)
	}
}

func TestNextLink(t *testing.T) {
	for header, want := range map[string]string{
		`<https://a/2>; rel="next"`:                          "https://a/2",
		`<https://a/1>; rel="prev", <https://a/3>; rel=next`: "https://a/3",
		`<https://a/9>; rel="last next"`:                     "https://a/9",
		`<https://a/1>; rel="prev"`:                          "",
		``:                                                   "",
		`garbage; rel="next"`:                                "",
	} {
		if got := nextLink(header); got != want {
			t.Errorf("%q: %q, want %q", header, got, want)
		}
	}
}
