package web

import (
	"errors"
	"net/http"
	"net/url"
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

// checked is what checking a posted form found.
type checked struct {
	problems map[string][]diagnostic // by field key ("name" for the name)
	general  []diagnostic            // about no field of the form
	ping     *pingResult
	passed   bool // no problem, and the test (when asked for) passed
}

// check fills d with the form's values and has the core check them:
// every problem at once (values that do not parse, settings missing,
// what the plugin's Validate says), then, when nothing is wrong, the
// plugin's Ping. It returns an error only when a check could not run.
func check(r *http.Request, d *app.Draft, v app.FormValues) (checked, error) {
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
	if ok {
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

// answerForm runs the form flow on a draft, new or edit: it shows the form
// again with what the checks found, or, for a Save that passed, saves
// and goes to the list.
func (s *Server) answerForm(w http.ResponseWriter, r *http.Request, d *app.Draft, action, name string) {
	spec := d.Spec()
	values, view, button := readForm(r, spec)
	st := formState{values: values, view: view, saved: d.SavedSecrets()}
	var c checked
	if list, ok := strings.CutPrefix(button, "add:"); ok {
		st.addRow = list // one more row, nothing checked
	} else {
		var err error
		if c, err = check(r, d, values); err != nil {
			s.coreError(w, r, err, action)
			return
		}
		st.problems = c.problems
	}
	p := newFormPage(spec, st)
	p.Action, p.Edit, p.Name = action, d.IsEdit(), name
	if err := d.NameError(); err != nil && !p.Edit {
		p.NameError = nameProblem(err)
	}
	p.Problems, p.Ping = c.general, c.ping
	p.RetypeSecrets = typedSecrets(spec, values)
	status := http.StatusOK
	if st.addRow == "" && !c.passed {
		status = http.StatusUnprocessableEntity
	}
	if button == "save" && c.passed && p.NameError == "" {
		saved, err := d.Save(r.Context())
		if err == nil {
			http.Redirect(w, r, "/connections?saved="+url.QueryEscape(saved), http.StatusSeeOther)
			return
		}
		var taken *app.NameTakenError
		var input *app.InputError
		if !errors.As(err, &taken) && !errors.As(err, &input) {
			s.coreError(w, r, err, action)
			return
		}
		p.NameError, status = nameProblem(err), http.StatusUnprocessableEntity
	}
	p.Unsaved = button == "save"
	title := "New " + spec.Name + " connection"
	if p.Edit {
		title = "Edit " + name
	}
	s.render(w, r, status, "connection_form.html", title, "connections", p)
}

// nameProblem words what is wrong with a new connection's name.
func nameProblem(err error) string {
	var taken *app.NameTakenError
	var input *app.InputError
	switch {
	case errors.As(err, &taken):
		return "A connection with this name exists already (names are case-insensitive): choose another, or edit that one."
	case errors.As(err, &input):
		return "The name: " + input.Problem + "."
	}
	return err.Error()
}
