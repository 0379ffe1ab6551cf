package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A Twitter Ads connection to the simulator: with a wrong token secret
// Save shows the API's authentication diagnosis and saves nothing, keeping
// what was typed but the secrets; with the right one it is saved, and
// online in the list.
func TestCreateTwitterAdsWrongThenRightTokenSecret(t *testing.T) {
	s := startSim(t)
	c := startConsole(t)
	cl := c.signedIn(t)

	r := cl.post("/connections/new", s.twitterAdsForm("Prod", "wrong-token-secret", "save"))
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong token secret: %d", r.status)
	}
	for _, want := range []string{"Nothing was saved", "Connection test: ", "failed", "authentication failed", `value="` + s["consumer_key"] + `"`, `value="Prod"`, `value="` + s["url"] + `"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the answer lacks %q", want)
		}
	}
	for _, secret := range []string{s["consumer_secret"], s["access_token"], "wrong-token-secret"} {
		if strings.Contains(r.body, secret) {
			t.Errorf("the answer holds a secret typed")
		}
	}
	if _, ok := c.connection(t, "Prod"); ok {
		t.Fatal("a connection whose test failed was saved")
	}

	// Test connection with the right one: passed, with the facts; not saved.
	r = cl.post("/connections/new", s.twitterAdsForm("Prod", s["token_secret"], "test"))
	for _, want := range []string{"Connection test: ", "passed", "latency", "api_version", "rate_limit_remaining", "account"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the test's answer lacks %q", want)
		}
	}
	if _, ok := c.connection(t, "Prod"); ok {
		t.Fatal("Test connection saved the connection")
	}

	r = cl.post("/connections/new", s.twitterAdsForm("Prod", s["token_secret"], "save"))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/connections?saved=Prod" {
		t.Fatalf("the right token secret: %d %s %s", r.status, r.header.Get("Location"), r.body)
	}
	list := cl.get("/connections?saved=Prod")
	for _, want := range []string{"Saved the connection Prod", `<span class="dot online"`, "twitter-ads"} {
		if !strings.Contains(list.body, want) {
			t.Errorf("the list lacks %q", want)
		}
	}
	if conn, ok := c.connection(t, "Prod"); !ok || conn.LastTest == nil || !conn.LastTest.OK {
		t.Errorf("saved: %v, %+v", ok, conn)
	}
}

// Every problem is shown at once, each next to its field: a name taken,
// a required secret missing, a number that is not one, a number out of
// range; nothing is saved, and the test is not run.
func TestFormShowsEveryProblemAtOnce(t *testing.T) {
	c := startConsole(t)
	cl := c.signedIn(t)
	saveFormtest(t, cl, "taken")
	form := url.Values{"type": {"formtest"}, "name": {"TAKEN"}, "action": {"save"},
		"f.method": {"HMAC"}, "f.api_key": {"right-key"}, "f.concurrency": {"many"}, "f.paging": {"cursor"}}
	r := cl.post("/connections/new", form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.status)
	}
	for _, want := range []string{
		`id="d-name">A connection with this name exists already`,
		`id="d-hmac_secret"><p class="problem">HMAC secret is required.`,
		`id="d-concurrency"><p class="problem">concurrency: want a whole number`,
		`id="d-cursor_param"><p class="problem">Cursor parameter is required.`,
		`value="many"`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the answer lacks %q", want)
		}
	}
	if strings.Contains(r.body, "Connection test:") {
		t.Error("the test ran on settings that are not valid")
	}
	// The advanced section with a problem opens.
	if !strings.Contains(r.body, `<details class="section" id="section-limits" open>`) {
		t.Error("the advanced section with a problem is closed")
	}
	form.Set("f.concurrency", "99")
	form.Set("name", "other")
	form.Set("f.hmac_secret", "s")
	form.Set("f.cursor_param", "cursor")
	r = cl.post("/connections/new", form)
	if !strings.Contains(r.body, `id="d-concurrency"`) || !strings.Contains(r.body, "1 to 25") {
		t.Errorf("a number out of range: %d %s", r.status, r.body)
	}
	if _, ok := c.connection(t, "other"); ok {
		t.Error("saved with a number out of range")
	}
}

// An edit shows the saved non-secret settings and says each secret is
// set; saving without typing the secrets again is refused with each named,
// and typing them saves.
func TestEditWithoutSecretsIsRefusedNamingThem(t *testing.T) {
	s := startSim(t)
	c := startConsole(t)
	cl := c.signedIn(t)
	if r := cl.post("/connections/new", s.twitterAdsForm("Prod", s["token_secret"], "save")); r.status != http.StatusSeeOther {
		t.Fatalf("create: %d", r.status)
	}
	page := cl.get(editPath("Prod"))
	if page.status != http.StatusOK || strings.Count(page.body, "Set. An edit never reuses a secret") != 3 ||
		!strings.Contains(page.body, `value="`+s["account_id"]+`"`) {
		t.Errorf("the edit page: %d %s", page.status, page.body)
	}
	for _, secret := range []string{s["consumer_secret"], s["access_token"], s["token_secret"]} {
		if strings.Contains(page.body, secret) {
			t.Error("the edit page holds a secret")
		}
	}
	before, _ := c.connection(t, "Prod")
	form := url.Values{"action": {"save"}, "f.consumer_key": {s["consumer_key"]}, "f.base_uri": {s["url"]}, "f.account_id": {"other"}}
	r := cl.post(editPath("Prod"), form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("an edit without the secrets: %d", r.status)
	}
	for _, label := range []string{"Consumer secret", "Access token", "Token secret"} {
		if !strings.Contains(r.body, label+" is set, but an edit never reuses a secret: type it again to save.") {
			t.Errorf("the refusal does not name %s", label)
		}
	}
	after, _ := c.connection(t, "Prod")
	if !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Error("the refused edit changed the connection")
	}
	form.Set("f.consumer_secret", s["consumer_secret"])
	form.Set("f.access_token", s["access_token"])
	form.Set("f.token_secret", s["token_secret"])
	form.Set("f.account_id", s["account_id"])
	form.Set("f.api_version", "12")
	if r := cl.post(editPath("Prod"), form); r.status != http.StatusSeeOther {
		t.Fatalf("the edit with the secrets: %d %s", r.status, r.body)
	}
	conn, err := c.app.Connection(context.Background(), "Prod")
	if err != nil || conn.Settings["api_version"] != "12" {
		t.Errorf("after the edit: %v %v", conn.Settings, err)
	}
}

// A key/value list: entries come one a row, a secret one's value never
// comes back; an edit must type it again (named), cannot turn it plain,
// and a cleared setting is removed. A value given for a setting whose
// condition is not met is dropped, as a form that hides it would.
func TestKeyValueListsConditionsAndClearedSettings(t *testing.T) {
	c := startConsole(t)
	cl := c.signedIn(t)
	form := formtestForm("kv", "save")
	form.Set("f.private_key", "a key for RSA only")
	form.Set("f.note", "line one\r\nline two")
	form.Set("kv.headers.rows", "3")
	form.Set("kv.headers.0.name", "Accept")
	form.Set("kv.headers.0.value", "text/csv")
	form.Set("kv.headers.1.name", "X-Api-Key")
	form.Set("kv.headers.1.value", "kv-secret-value")
	form.Set("kv.headers.1.secret", "1")
	if r := cl.post("/connections/new", form); r.status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	conn, err := c.app.Connection(context.Background(), "kv")
	if err != nil {
		t.Fatal(err)
	}
	if got := conn.Settings["headers"]; got != "Accept=text/csv, X-Api-Key=(set)" {
		t.Errorf("headers saved as %q", got)
	}
	if _, ok := conn.Settings["private_key"]; ok {
		t.Error("a setting that does not apply (RSA's key with HMAC) was saved")
	}
	if conn.Settings["note"] != "line one\nline two" {
		t.Errorf("note %q", conn.Settings["note"])
	}

	page := cl.get(editPath("kv"))
	for _, want := range []string{`name="kv.headers.0.name" value="Accept"`, `name="kv.headers.0.value" value="text/csv"`,
		`name="kv.headers.1.name" value="X-Api-Key"`, `type="password" id="kv-headers-1-value" name="kv.headers.1.value" value=""`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the edit page lacks %q", want)
		}
	}
	if strings.Contains(page.body, "kv-secret-value") || strings.Contains(page.body, "hmac-secret") {
		t.Error("the edit page holds a secret")
	}

	edit := url.Values{"action": {"save"}, "f.method": {"HMAC"}, "f.api_key": {"right-key"}, "f.hmac_secret": {"hmac-secret"},
		"kv.headers.rows": {"2"}, "kv.headers.0.name": {"Accept"}, "kv.headers.0.value": {"text/csv"},
		"kv.headers.1.name": {"X-Api-Key"}, "kv.headers.1.secret": {"1"}}
	r := cl.post(editPath("kv"), edit)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Headers X-Api-Key is set, but an edit never reuses a secret") {
		t.Errorf("an edit without the entry's secret: %d %s", r.status, r.body)
	}
	edit.Del("kv.headers.1.secret")
	edit.Set("kv.headers.1.value", "now plain")
	r = cl.post(editPath("kv"), edit)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "X-Api-Key holds a secret value and cannot become a plain one here") {
		t.Errorf("turning a secret entry plain: %d %s", r.status, r.body)
	}
	edit.Set("kv.headers.1.secret", "1")
	edit.Set("kv.headers.1.value", "kv-secret-value-2")
	if r := cl.post(editPath("kv"), edit); r.status != http.StatusSeeOther {
		t.Fatalf("the edit with the entry's secret: %d %s", r.status, r.body)
	}
	conn, _ = c.app.Connection(context.Background(), "kv")
	if _, ok := conn.Settings["note"]; ok {
		t.Errorf("a cleared setting was kept: %q", conn.Settings["note"])
	}

	// Add a row: one more empty row, nothing checked or saved.
	edit.Set("action", "add:headers")
	r = cl.post(editPath("kv"), edit)
	if r.status != http.StatusOK || !strings.Contains(r.body, `name="kv.headers.3.name"`) || strings.Contains(r.body, "Nothing was saved") {
		t.Errorf("add a row: %d", r.status)
	}
}

// Test on the list records the outcome; Delete asks first, naming the
// connection, then deletes.
func TestListTestAndDelete(t *testing.T) {
	c := startConsole(t)
	cl := c.signedIn(t)
	saveFormtest(t, cl, "a/b c")
	list := cl.get("/connections")
	if !strings.Contains(list.body, `action="/connections/a%2Fb%20c/test"`) || !strings.Contains(list.body, `href="/connections/a%2Fb%20c/delete"`) {
		t.Fatalf("the list's actions for a name with a slash: %s", list.body)
	}
	r := cl.post("/connections/a%2Fb%20c/test", nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("test: %d %s", r.status, r.body)
	}
	if list := cl.get(r.header.Get("Location")); !strings.Contains(list.body, "Tested a/b c: online.") {
		t.Errorf("after the test: %s", list.body)
	}
	confirm := cl.get("/connections/a%2Fb%20c/delete")
	if confirm.status != http.StatusOK || !strings.Contains(confirm.body, "Delete the connection a/b c?") || !strings.Contains(confirm.body, "Delete a/b c</button>") {
		t.Errorf("the confirmation: %d %s", confirm.status, confirm.body)
	}
	if _, ok := c.connection(t, "a/b c"); !ok {
		t.Fatal("the confirmation page deleted the connection")
	}
	r = cl.post("/connections/a%2Fb%20c/delete", nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if _, ok := c.connection(t, "a/b c"); ok {
		t.Error("not deleted")
	}
	if r := cl.get("/connections/nobody/delete"); r.status != http.StatusNotFound || !strings.Contains(r.body, "no such connection") {
		t.Errorf("an unknown connection: %d", r.status)
	}
}
