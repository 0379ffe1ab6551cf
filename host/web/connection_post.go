package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/openintegrator/integrator/host/app"
	"github.com/openintegrator/integrator/schema"
)

// maxRows bounds the entries a form may give one key/value list.
const maxRows = 200

// readForm reads a posted connection form: the settings of spec as typed
// (a text area's line breaks as \n), the view chosen, and the button
// pressed: "test", "save" or "add:LIST" (one more row for a list).
func readForm(r *http.Request, spec schema.Spec) (app.FormValues, string, string) {
	v := app.FormValues{Text: map[string]string{}, Entries: map[string][]schema.KV{}}
	for _, f := range spec.Fields {
		if f.Kind == schema.KindKeyValues {
			n, _ := strconv.Atoi(r.PostFormValue("kv." + f.Key + ".rows"))
			for i := range min(max(n, 0), maxRows) {
				p := "kv." + f.Key + "." + strconv.Itoa(i) + "."
				v.Entries[f.Key] = append(v.Entries[f.Key], schema.KV{
					Name:   strings.TrimSpace(r.PostFormValue(p + "name")),
					Value:  r.PostFormValue(p + "value"),
					Secret: r.PostFormValue(p+"secret") != "",
				})
			}
			continue
		}
		text := r.PostFormValue("f." + f.Key)
		if f.Kind == schema.KindText {
			text = strings.ReplaceAll(text, "\r\n", "\n")
		}
		v.Text[f.Key] = text
	}
	view := r.PostFormValue("view")
	if view != "http" {
		view = "simple"
	}
	return v, view, r.PostFormValue("action")
}

// formDraft is what the form flow needs of an *app.Draft.
type formDraft = *app.Draft

// checked is what checking a posted form found.
type checked struct {
	problems map[string][]diagnostic // by field key ("name" for the name)
	general  []diagnostic            // about no field of the form
	ping     *pingResult
	passed   bool // no problem, and the test (when asked for) passed
}

// check fills d with the form's values and has the core check them:
// every problem at once (values that do not parse, settings missing,
// what the plugin's Validate says), then, when test and nothing is wrong,
// the plugin's Ping. It returns an error only when a check could not run.
func check(r *http.Request, d formDraft, v app.FormValues, test bool) (checked, error) {
	ctx := r.Context()
	spec := d.Spec()
	c := checked{problems: map[string][]diagnostic{}}
	add := func(key string, p diagnostic) {
		if _, ok := spec.Field(key); ok || strings.Contains(key, ".") {
			c.problems[key] = append(c.problems[key], p)
			return
		}
		c.general = append(c.general, p)
	}
	blocked := false
	for key, p := range d.Fill(v) {
		add(key, diagnostic{Text: p})
		blocked = true
	}
	missing := map[string]bool{}
	saved := d.SavedSecrets()
	for _, f := range d.Missing() {
		if len(c.problems[f.Key]) == 0 {
			missing[f.Key], blocked = true, true
			add(f.Key, missingProblem(f, saved[f.Key] || (d.IsEdit() && strings.Contains(f.Key, "."))))
		}
	}
	ds, err := d.Validate(ctx)
	var invalid *app.ValidationError
	if err != nil && !errors.As(err, &invalid) {
		return c, err
	}
	for _, dg := range ds {
		if missing[dg.Field] && dg.Code == schema.CodeMissingRequired {
			continue // said already, the way the form says it
		}
		add(dg.Field, diag(dg))
	}
	ok := invalid == nil && !blocked
	if ok && test {
		res, err := d.Test(ctx)
		var failed *app.TestFailedError
		if err != nil && !errors.As(err, &failed) {
			return c, err
		}
		c.ping = newPing(res)
		for _, dg := range res.Diagnostics {
			if _, isField := spec.Field(dg.Field); isField {
				add(dg.Field, diag(dg))
			}
		}
		ok = failed == nil
	}
	c.passed = ok
	return c, nil
}

// typedSecrets reports whether the form gave a secret value, which the
// page it answers with does not show again.
func typedSecrets(spec schema.Spec, v app.FormValues) bool {
	for _, f := range spec.Fields {
		if f.Secret && v.Text[f.Key] != "" {
			return true
		}
		for _, e := range v.Entries[f.Key] {
			if e.Secret && e.Value != "" {
				return true
			}
		}
	}
	return false
}

// tooBig reports whether err is a body over its limit, and answers 413
// then.
func (s *Server) tooBig(w http.ResponseWriter, r *http.Request, err error) bool {
	var mbe *http.MaxBytesError
	if !errors.As(err, &mbe) {
		return false
	}
	s.fail(w, r, http.StatusRequestEntityTooLarge, "The form sent more than the console takes ("+app.FormatSize(mbe.Limit)+"). Nothing was changed.", "")
	return true
}
