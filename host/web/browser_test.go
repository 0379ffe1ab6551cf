package web

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/schema"
)

// A user creates a Twitter Ads connection against the simulator in the
// browser: the Simple / HTTP switch shows one view at a time; a wrong
// token secret shows the authentication diagnosis and saves nothing; the
// right one passes Test connection, then saves and is online in the list;
// an edit without the secrets is refused naming each; Test and Delete
// (after its confirmation) from the list. Each page is photographed at
// 390 and 1280 px. Then the canary: no secret typed appears in any
// response the console sent (bodies and headers), in its log, or in any
// file of the home.
func TestBrowserTwitterAdsConnection(t *testing.T) {
	findBrowser(t)
	s := startSim(t)
	rec := &recorder{}
	c := startConsoleWith(t, consoleConfig{wrap: rec.wrap})
	p := openBrowser(t, c)
	shots := screenshotDir(t)
	wrong := "canary-wrong-token-secret-7f3a9c"
	secrets := []string{s["consumer_secret"], s["access_token"], s["token_secret"], wrong}

	p.signIn()
	p.checkPage(shots, "connections-empty")
	if got := p.click("a.button.primary"); got != 200 {
		t.Fatalf("new connection: %d", got)
	}
	p.checkPage(shots, "connection-types")
	p.click(`a[href="/connections/new?type=twitter-ads"]`)
	p.checkPage(shots, "create-twitter-ads")

	// The Simple / HTTP switch.
	if !p.visible("#f-consumer_key") || p.visible("#f-base_uri") {
		t.Fatal("the Simple view does not show the consumer key alone")
	}
	p.clickHere(`label[for="choose-http"]`)
	if p.visible("#f-consumer_key") || !p.visible("#f-base_uri") {
		t.Fatal("the HTTP view does not show the base URI alone")
	}
	p.typeIn("#f-base_uri", s["url"])
	p.checkPage(shots, "create-twitter-ads-http-view")
	p.clickHere(`label[for="choose-simple"]`)
	if !p.visible("#f-consumer_key") || p.visible("#f-base_uri") {
		t.Fatal("back to the Simple view")
	}
	// The account id is with the connection's settings (issue 16).
	p.typeIn("#f-account_id", s["account_id"])

	fillSecrets := func(tokenSecret string) {
		p.typeIn("#f-consumer_secret", s["consumer_secret"])
		p.typeIn("#f-access_token", s["access_token"])
		p.typeIn("#f-token_secret", tokenSecret)
	}
	p.typeIn("#f-name", "Prod")
	p.typeIn("#f-consumer_key", s["consumer_key"])
	fillSecrets(wrong)
	if got := p.click(`button[value="save"]`); got != 422 {
		t.Errorf("save with a wrong token secret: %d", got)
	}
	if ping := p.text("#ping"); !strings.Contains(ping, "failed") || !strings.Contains(ping, "authentication failed") {
		t.Errorf("the test's result: %q", ping)
	}
	if !strings.Contains(p.text("#problems"), "Nothing was saved") {
		t.Error("the form does not say nothing was saved")
	}
	if _, ok := c.connection(t, "Prod"); ok {
		t.Fatal("saved with a wrong token secret")
	}
	if p.value("#f-name") != "Prod" || p.value("#f-consumer_key") != s["consumer_key"] || p.value("#f-base_uri") != s["url"] || p.value("#f-token_secret") != "" {
		t.Error("the typed values are not kept (or a secret came back)")
	}
	p.checkPage(shots, "create-test-failed")

	fillSecrets(s["token_secret"])
	p.click(`.actions button[value="test"]`)
	if ping := p.text("#ping"); !strings.Contains(ping, "passed") || !strings.Contains(ping, "api_version") || !strings.Contains(ping, "account") {
		t.Errorf("the test's result: %q", ping)
	}
	if _, ok := c.connection(t, "Prod"); ok {
		t.Fatal("Test connection saved")
	}
	p.checkPage(shots, "create-test-passed")

	fillSecrets(s["token_secret"])
	p.click(`button[value="save"]`)
	p.waitPath("/connections")
	if row := p.text("tbody tr"); !strings.Contains(row, "Prod") || !strings.Contains(row, "online") {
		t.Errorf("the list's row: %q", row)
	}
	if !p.visible("tbody .dot.online") {
		t.Error("no online dot")
	}
	p.checkPage(shots, "connections")

	// Edit without the secrets: refused, each named.
	p.click(`a[aria-label="Edit Prod"]`)
	p.checkPage(shots, "edit")
	if got := p.click(`button[value="save"]`); got != 422 {
		t.Errorf("an edit without the secrets: %d", got)
	}
	for _, f := range []string{"consumer_secret", "access_token", "token_secret"} {
		if d := p.text("#d-" + f); !strings.Contains(d, "an edit never reuses a secret: type it again to save") {
			t.Errorf("%s: %q", f, d)
		}
	}
	p.checkPage(shots, "edit-refused")
	fillSecrets(s["token_secret"])
	p.click(`button[value="save"]`)
	p.waitPath("/connections")

	p.click(`button[aria-label="Test Prod"]`)
	if n := p.text(".notice"); n != "Tested Prod: online." {
		t.Errorf("after Test: %q", n)
	}

	for path, name := range map[string]string{"/connectors": "connectors", "/connectors/twitter-ads": "connector", "/plugins": "plugins", "/runs": "runs"} {
		p.open(path)
		p.checkPage(shots, name)
	}

	p.open("/connections")
	p.click(`a[aria-label="Delete Prod"]`)
	if h := p.text("h1"); h != "Delete the connection Prod?" {
		t.Errorf("the confirmation says %q", h)
	}
	p.checkPage(shots, "delete")
	p.click("button.danger")
	p.waitPath("/connections")
	if n := p.text(".notice"); n != "Deleted the connection Prod." {
		t.Errorf("after Delete: %q", n)
	}
	if _, ok := c.connection(t, "Prod"); ok {
		t.Error("not deleted")
	}

	canary(t, c, rec, secrets)
}

// canary fails the test where a secret appears: in a response the
// console sent, its log, or a file of its home.
func canary(t *testing.T, c *console, rec *recorder, secrets []string) {
	t.Helper()
	if rec.count() < 20 {
		t.Fatalf("only %d responses recorded", rec.count())
	}
	log := c.log.String()
	if !strings.Contains(log, "request") {
		t.Fatal("the console logged nothing")
	}
	for _, secret := range secrets {
		if where := rec.find(secret); where != "" {
			t.Errorf("a secret appears in a response: %s", where)
		}
		if strings.Contains(log, secret) {
			t.Error("a secret appears in the console's log")
		}
		filepath.WalkDir(c.home, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if b, err := os.ReadFile(path); err == nil && strings.Contains(string(b), secret) {
				t.Errorf("a secret appears in %s", path)
			}
			return nil
		})
	}
}

// checkPage photographs the page and checks what every page must hold:
// every field a label, everything reachable with the keyboard.
func (p *tab) checkPage(dir, name string) {
	p.t.Helper()
	if u := p.unlabelled(); len(u) > 0 {
		p.t.Errorf("%s: fields without a label: %v", name, u)
	}
	if u := p.unreachable(); len(u) > 0 {
		p.t.Errorf("%s: not reachable with the Tab key: %v", name, u)
	}
	p.shoot(dir, name)
}

// The form follows the schema's conditions as the user chooses: HMAC
// shows the HMAC secret and hides the private key, RSA the other way; a
// condition on a field of an advanced section shows once its field is
// chosen. Without JavaScript every field shows. A key/value list takes
// more rows and secret entries, and no secret typed (fields, a PEM key,
// a list's secret entry) comes back in any response, log or file, through
// create, test and edit.
func TestBrowserConditionsListsAndCanary(t *testing.T) {
	findBrowser(t)
	rec := &recorder{}
	c := startConsoleWith(t, consoleConfig{wrap: rec.wrap})
	p := openBrowser(t, c)
	shots := screenshotDir(t)
	secrets := []string{"canary-api-key-4be1", "canary-hmac-secret-92c0", "canary-entry-secret-5d7e",
		"-----BEGIN CANARY KEY-----", "canary-edit-secret-11aa"}
	p.signIn()
	p.open("/connections/new?type=formtest")
	if p.visible("#f-hmac_secret") || p.visible("#f-private_key") {
		t.Error("before a method is chosen, a field that needs one shows")
	}
	p.choose("#f-method", "RSA")
	if p.visible("#f-hmac_secret") || !p.visible("#f-private_key") {
		t.Error("RSA: the private key alone should show")
	}
	p.choose("#f-method", "HMAC")
	if !p.visible("#f-hmac_secret") || p.visible("#f-private_key") {
		t.Error("HMAC: the HMAC secret alone should show")
	}
	if p.visible("#f-paging") {
		t.Error("the advanced section is open")
	}
	p.clickHere("#section-limits summary")
	if !p.visible("#f-paging") || p.visible("#f-cursor_param") {
		t.Error("the advanced section, opened: paging shows, the cursor parameter not")
	}
	p.choose("#f-paging", "cursor")
	if !p.visible("#f-cursor_param") {
		t.Error("paging cursor: the cursor parameter should show")
	}
	p.typeIn("#f-cursor_param", "cursor")
	p.typeIn("#f-name", "lists")
	p.typeIn("#f-api_key", "wrong-"+secrets[0])
	p.typeIn("#f-hmac_secret", secrets[1])
	p.typeIn("#kv-headers-0-name", "Accept")
	p.typeIn("#kv-headers-0-value", "text/csv")
	p.clickHere(`button[value="add:headers"]`)
	p.typeIn("#kv-headers-1-name", "X-Api-Key")
	p.typeIn("#kv-headers-1-value", secrets[2])
	p.clickHere("#kv-headers-1-secret")
	if p.value("#kv-headers-0-value") != "text/csv" || p.value("#f-hmac_secret") != secrets[1] {
		t.Error("Add a row lost a value")
	}
	if typ := eval[string](p, `document.querySelector("#kv-headers-1-value").type`); typ != "password" {
		t.Errorf("a secret entry's value is shown as %s", typ)
	}
	p.checkPage(shots, "create-formtest")
	p.click(`.actions button[value="test"]`)
	if ping := p.text("#ping"); !strings.Contains(ping, "authentication failed") {
		t.Errorf("the test with a wrong key: %q", ping)
	}
	p.typeIn("#f-api_key", "right-key")
	p.typeIn("#f-hmac_secret", secrets[1])
	p.typeIn("#kv-headers-1-value", secrets[2])
	p.click(`button[value="save"]`)
	p.waitPath("/connections")

	p.open(editPath("lists"))
	if p.value("#kv-headers-1-name") != "X-Api-Key" || p.value("#kv-headers-1-value") != "" || p.value("#f-cursor_param") != "cursor" {
		t.Error("the edit form does not show the saved settings")
	}
	p.choose("#f-method", "RSA")
	p.typeIn("#f-api_key", "right-key")
	p.typeIn("#f-private_key", secrets[3]+"\nabc\n-----END CANARY KEY-----")
	p.typeIn("#kv-headers-1-value", secrets[4])
	p.click(`button[value="save"]`)
	p.waitPath("/connections")
	conn, err := c.app.Connection(context.Background(), "lists")
	if err != nil || conn.Settings["method"] != "RSA" || conn.Settings["private_key"] != schema.Redacted {
		t.Errorf("after the edit: %v %v", conn.Settings, err)
	}
	if _, ok := conn.Settings["hmac_secret"]; ok {
		t.Error("the HMAC secret was kept for RSA")
	}

	// Without JavaScript every field shows.
	p.scripts(false)
	p.open("/connections/new?type=formtest")
	if !p.visible("#f-hmac_secret") || !p.visible("#f-private_key") {
		t.Error("without JavaScript, a conditional field is hidden")
	}
	p.scripts(true)

	canary(t, c, rec, secrets)
}

// The http connector's form shows the private key for RSA methods and the
// consumer secret for the others, from its schema's conditions alone.
func TestBrowserHTTPConnectorConditions(t *testing.T) {
	findBrowser(t)
	c := startConsole(t)
	conn, err := c.app.Connector(context.Background(), "http")
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := conn.Spec.Field("private_key"); f.ShowWhen == nil {
		t.Skip("the http connector of this tree declares no conditions (its schema has them from branch i13-httpfollow on)")
	}
	p := openBrowser(t, c)
	p.signIn()
	p.open("/connections/new?type=http")
	for method, rsa := range map[string]bool{"RSA-SHA256": true, "HMAC-SHA1": false, "PLAINTEXT": false, "RSA-SHA1": true} {
		p.choose("#f-signature_method", method)
		if p.visible("#f-private_key") != rsa || p.visible("#f-consumer_secret") == rsa {
			t.Errorf("%s: private key shown %v, consumer secret shown %v", method, p.visible("#f-private_key"), p.visible("#f-consumer_secret"))
		}
	}
	p.checkPage(screenshotDir(t), "create-http")
}
