package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/shared"
)

func TestBuildRequest(t *testing.T) {
	jsonFile := filepath.Join(t.TempDir(), "body.json")
	if err := os.WriteFile(jsonFile, []byte(`[{"a":1}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts APIOptions
		want shared.Request
		err  string
	}{
		{"GET is the default, also with -F; repeated keys kept in order",
			APIOptions{Path: "accounts", Method: "GET", Fields: []string{"count=2", "ids=a", "ids=b", "empty="}},
			shared.Request{Method: "GET", URL: "accounts", Query: []shared.Param{{Key: "count", Value: "2"}, {Key: "ids", Value: "a"}, {Key: "ids", Value: "b"}, {Key: "empty", Value: ""}}}, ""},
		{"POST keeps -F in the query string",
			APIOptions{Path: "x", Method: "post", Fields: []string{"name=a b"}},
			shared.Request{Method: "POST", URL: "x", Query: []shared.Param{{Key: "name", Value: "a b"}}}, ""},
		{"--form makes a form body",
			APIOptions{Path: "x", Method: "POST", Form: true, Fields: []string{"name=a b", "n=1"}},
			shared.Request{Method: "POST", URL: "x", Body: []byte("n=1&name=a+b"), Header: []shared.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}}}, ""},
		{"--input sends JSON",
			APIOptions{Path: "x", Method: "POST", Input: jsonFile, Headers: []string{"X-Trace: 1"}},
			shared.Request{Method: "POST", URL: "x", Body: []byte(`[{"a":1}]`), Header: []shared.Header{{Name: "X-Trace", Value: "1"}, {Name: "Content-Type", Value: "application/json"}}}, ""},
		{"--input keeps a given Content-Type",
			APIOptions{Path: "x", Method: "POST", Input: jsonFile, Headers: []string{"content-type: text/csv"}},
			shared.Request{Method: "POST", URL: "x", Body: []byte(`[{"a":1}]`), Header: []shared.Header{{Name: "content-type", Value: "text/csv"}}}, ""},
		{"bad -F", APIOptions{Path: "x", Method: "GET", Fields: []string{"novalue"}}, shared.Request{}, `-F "novalue": write it as KEY=VALUE`},
		{"bad -H", APIOptions{Path: "x", Method: "GET", Headers: []string{"X: 1", "NoColon"}}, shared.Request{},
			`-H number 2: write it as 'Name: value' (the argument is not repeated here, in case it holds a credential)`},
		{"bad -H name", APIOptions{Path: "x", Method: "GET", Headers: []string{"X Y: 1"}}, shared.Request{},
			"-H number 1: the header name is not valid; a name is letters, digits and !#$%&'*+-.^_`|~"},
		{"control character in a -H value", APIOptions{Path: "x", Method: "GET", Headers: []string{"X-Key: ab\x01c"}}, shared.Request{},
			"-H X-Key: the value has a control character (0x01) at byte 3; header values cannot hold control characters other than tab (the value is not shown, in case it is a credential)"},
		{"DEL in a -H value", APIOptions{Path: "x", Method: "GET", Headers: []string{"X-Key:a\x7f"}}, shared.Request{},
			"-H X-Key: the value has a control character (0x7f) at byte 2; header values cannot hold control characters other than tab (the value is not shown, in case it is a credential)"},
		{"a tab in a -H value is kept", APIOptions{Path: "x", Method: "GET", Headers: []string{"X-A: a\tb"}},
			shared.Request{Method: "GET", URL: "x", Header: []shared.Header{{Name: "X-A", Value: "a\tb"}}}, ""},
		{"--form with --input", APIOptions{Path: "x", Method: "POST", Form: true, Input: jsonFile}, shared.Request{}, "--form and --input both set a body: use one"},
		{"missing input file", APIOptions{Path: "x", Method: "POST", Input: "/nonexistent/file"}, shared.Request{}, "--input: open /nonexistent/file: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := buildRequest(&tt.opts, strings.NewReader(""))
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
