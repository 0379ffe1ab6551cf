package flows

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/shared"
)

func TestRecordRequest(t *testing.T) {
	rec := `{"account_id":"a 1","id":7,"name":"Spring","placements":["A","B"],"end_time":null,"paused":false}`
	fs, err := parseRecord([]byte(rec))
	if err != nil {
		t.Fatal(err)
	}
	path, _ := parseTemplate("accounts/{account_id}/campaigns/{id}")
	tests := []struct {
		as   string
		want shared.Request
	}{
		{AsQuery, shared.Request{Method: "PUT", URL: "accounts/a%201/campaigns/7", Query: []shared.Param{
			{Key: "name", Value: "Spring"}, {Key: "placements", Value: "A,B"}, {Key: "end_time", Value: ""}, {Key: "paused", Value: "false"}}}},
		{AsForm, shared.Request{Method: "PUT", URL: "accounts/a%201/campaigns/7", Body: []byte("name=Spring&placements=A%2CB&end_time=&paused=false"),
			Header: []shared.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}}}},
		{AsJSON, shared.Request{Method: "PUT", URL: "accounts/a%201/campaigns/7", Body: []byte(`{"name":"Spring","placements":["A","B"],"end_time":null,"paused":false}`),
			Header: []shared.Header{{Name: "Content-Type", Value: "application/json"}}}},
	}
	for _, tt := range tests {
		got, err := recordRequest("PUT", path, tt.as, fs)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.as, diff)
		}
	}
	bad := []struct{ rec, tmpl, want string }{
		{`{"name":"x"}`, "accounts/{account_id}/campaigns", `no "account_id" field`},
		{`{"account_id":""}`, "accounts/{account_id}/campaigns", `cannot fill the path`},
		{`{"account_id":{"a":1}}`, "accounts/{account_id}/campaigns", `cannot fill the path`},
		{`{"account_id":"a","targeting":{"a":1}}`, "accounts/{account_id}/campaigns", `is an object; send it with --as json`},
		{`{"account_id":"a","l":[{"a":1}]}`, "accounts/{account_id}/campaigns", `a list may hold only`},
	}
	for _, b := range bad {
		fs, err := parseRecord([]byte(b.rec))
		if err != nil {
			t.Fatal(err)
		}
		tp, _ := parseTemplate(b.tmpl)
		words := (&Deps{OptionName: flag}).words
		if _, err := recordRequest("POST", tp, AsQuery, fs); err == nil || !strings.Contains(words(err.Error()), b.want) {
			t.Errorf("%s: err = %v, want %q", b.rec, err, b.want)
		}
	}
	for _, line := range []string{`[1]`, `{"a":1} {"b":2}`, `{"a":`, `nope`} {
		if _, err := parseRecord([]byte(line)); err == nil {
			t.Errorf("%s: no error", line)
		}
	}
	for _, tmpl := range []string{"a/{", "a/}", "a/{}", "a/{b/c}"} {
		if _, err := parseTemplate(tmpl); err == nil {
			t.Errorf("template %s: no error", tmpl)
		}
	}
}

func TestBatchRequest(t *testing.T) {
	fs, _ := parseRecord([]byte(`{"campaign_id":"c1","name":"x","n":1}`))
	got := batchRequest("batch/accounts/a/campaigns", operationType(http.MethodPut), [][]field{fs, fs[:1]})
	want := `[{"operation_type":"Update","params":{"campaign_id":"c1","name":"x","n":1}},{"operation_type":"Update","params":{"campaign_id":"c1"}}]`
	if string(got.Body) != want || got.Method != "POST" {
		t.Errorf("%s %s", got.Method, got.Body)
	}
}
