package web

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// A fixed setting (the Twitter Ads HTTP view's signing and paging
// settings) is shown as its value, read-only: no input for it.
func TestFixedSettingsShowAsText(t *testing.T) {
	if _, ok := reflect.TypeOf(fixedField).In(0).FieldByName("Fixed"); !ok {
		t.Skip("schema.Field has no Fixed member in this tree (it comes with branch i13-httpview)")
	}
	c := startConsole(t)
	conn, err := c.app.Connector(context.Background(), "twitter-ads")
	if err != nil {
		t.Fatal(err)
	}
	page := c.signedIn(t).get("/connections/new?type=twitter-ads")
	if page.status != http.StatusOK {
		t.Fatalf("the form: %d", page.status)
	}
	fixed := 0
	for _, f := range conn.Spec.Fields {
		if !fixedField(f) {
			continue
		}
		fixed++
		if !strings.Contains(page.body, `<p class="fixed" id="f-`+f.Key+`" aria-labelledby="l-`+f.Key+`"><code>`+f.Default+`</code>`) ||
			strings.Contains(page.body, `name="f.`+f.Key+`"`) {
			t.Errorf("the fixed setting %s is not shown as its value alone", f.Key)
		}
	}
	if fixed == 0 {
		t.Error("the Twitter Ads connector declares no fixed setting")
	}
}
