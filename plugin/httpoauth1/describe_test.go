package httpoauth1

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/plugin/oauthtestapi"
	"github.com/openintegrator/integrator/shared"
)

// TestDescribe: the host's flows learn the paging from the settings.
func TestDescribe(t *testing.T) {
	api := oauthtestapi.NewServer()
	api.Close()
	c := newTestConnector()
	tests := []struct {
		kv   []string
		want shared.Paging
	}{
		{nil, shared.Paging{Style: shared.PagingNone, FirstPage: 1}},
		{[]string{KeyPaging, "cursor", KeyRecordsPath, "data", KeyCursorParam, "cursor", KeyNextCursorPath, "$.next_cursor", KeyTotalPath, "total_count"},
			shared.Paging{Style: shared.PagingCursor, RecordsField: "data", CursorParam: "cursor", NextCursorField: "next_cursor", TotalField: "total_count", FirstPage: 1}},
		{[]string{KeyPaging, "next_url", KeyRecordsPath, "results", KeyNextURLPath, "next"},
			shared.Paging{Style: shared.PagingNextURL, RecordsField: "results", NextURLField: "next", FirstPage: 1}},
		{[]string{KeyPaging, "page", KeyRecordsPath, "data", KeyPageParam, "page", KeyPageSizeParam, "per_page"},
			shared.Paging{Style: shared.PagingPage, RecordsField: "data", PageParam: "page", PageSizeParam: "per_page", FirstPage: 1}},
		{[]string{KeyPaging, "link_header", KeyRecordsPath, "records"},
			shared.Paging{Style: shared.PagingLinkHeader, RecordsField: "records", FirstPage: 1}},
	}
	for _, tt := range tests {
		d, err := c.Describe(context.Background(), set(hmacConfig(api), tt.kv...))
		if err != nil || d.Paging == nil || d.Reports != nil || d.Diagnostics.HasError() {
			t.Fatalf("%v: %v %+v", tt.kv, err, d)
		}
		if diff := cmp.Diff(tt.want, *d.Paging); diff != "" {
			t.Errorf("%v (-want +got)\n%s", tt.kv, diff)
		}
	}
	d, _ := c.Describe(context.Background(), set(hmacConfig(api), KeyPaging, "next_url", KeyRecordsPath, "data.items", KeyNextURLPath, "links.next"))
	if d.Paging != nil || len(d.Diagnostics.ForField(KeyRecordsPath)) != 1 || len(d.Diagnostics.ForField(KeyNextURLPath)) != 1 {
		t.Errorf("nested paths: %+v", d)
	}
}
