package flows

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// benchPage is a list response of n campaigns shaped like the X Ads
// API's, with names written by name(i).
func benchPage(n int, name func(i int) string) []byte {
	var b strings.Builder
	b.WriteString(`{"request":{"params":{"account_id":"2xinnzw52d","count":"1000"}},"data":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"account_id":"2xinnzw52d","budget_optimization":"CAMPAIGN","created_at":"2023-01-02T00:02:17Z","currency":"USD",`+
			`"daily_budget_amount_local_micro":%d,"deleted":false,"duration_in_days":null,"entity_status":"PAUSED","frequency_cap":null,`+
			`"funding_instrument_id":"1s64turfsj","id":"fpi7l%05d","name":%q,"purchase_order_number":null,`+
			`"reasons_not_servable":["PAUSED_BY_ADVERTISER"],"servable":false,"standard_delivery":true,`+
			`"total_budget_amount_local_micro":null,"updated_at":"2023-01-07T08:09:50Z"}`, 499000000+i, i, name(i))
	}
	b.WriteString(`],"next_cursor":"8x1kq0","total_count":100000}`)
	return []byte(b.String())
}

// BenchmarkReadPage splits a page of 1000 campaigns into JSON Lines: the
// export's hot path. "ascii" has plain names, "utf8" names with accents
// and emoji (valid UTF-8, so every string with them is checked).
func BenchmarkReadPage(b *testing.B) {
	for _, tc := range []struct {
		name string
		page []byte
	}{
		{"ascii", benchPage(1000, func(i int) string { return fmt.Sprintf("Prospecting Sale %d", i) })},
		{"utf8", benchPage(1000, func(i int) string { return fmt.Sprintf("Café Été ünïcødé 🚀 %d", i) })},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var buf bytes.Buffer
			b.SetBytes(int64(len(tc.page)))
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if _, err := readPage(bytes.NewReader(tc.page), testFields("data"), 0, &buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
