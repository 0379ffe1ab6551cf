package web

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/openintegrator/integrator/host/app"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// formPage is a connection form as its page shows it: made from the
// connector's schema, what the user typed (never a secret) and every
// problem found.
type formPage struct {
	Action    string // where the form posts
	Edit      bool
	Connector app.ConnectorType
	Name      string
	NameError string
	// Views is true when the schema shows its fields by view (no sections,
	// and some in the HTTP view): the page has a Simple / HTTP switch.
	Views    bool
	ViewHTTP bool // the HTTP view is the one shown
	Groups   []formGroup
	// Problems are those about no field of the form.
	Problems []diagnostic
	Ping     *pingResult
	// Unsaved is true when Save was pressed and nothing was saved.
	Unsaved bool
	// RetypeSecrets is true when secrets were typed: they are not sent
	// back, and must be typed again.
	RetypeSecrets bool
}

// formGroup is a section of the form, or a view.
type formGroup struct {
	ID, Title, Help string
	Advanced        bool // shown collapsed, unless it holds a problem
	Open            bool
	View            string // "simple" or "http" when the form has views
	Problems        int    // how many of its fields have a problem
	Fields          []formField
}

// formField is one setting of the form.
type formField struct {
	Key, ID, Label, Help string
	Kind                 string
	Required, Secret     bool
	Value                string // the text to show; never a secret's
	Default              string
	Options              []formOption
	Range                string // an int's bounds in words
	Min, Max             string
	// Condition says when the field applies, in words; WhenField and
	// WhenValues (JSON) are the same for form.js.
	Condition  string
	WhenField  string
	WhenValues string
	// SecretSet is true, on an edit, for a secret the saved connection
	// has: it must be typed again to save.
	SecretSet bool
	// Fixed is true for a setting whose only value is its default: it is
	// shown as text, not as an input.
	Fixed    bool
	Rows     []formRow // a key/value list's entries
	Problems []diagnostic
}

// formOption is one choice of a select.
type formOption struct {
	Value, Label string
	Selected     bool
}

// formRow is one entry of a key/value list.
type formRow struct {
	Index  int
	Name   string
	Value  string // "" for a secret entry
	Secret bool   // its value is never shown: it must be typed (again) to save
}

// diagnostic is a problem or remark as a page shows it.
type diagnostic struct {
	Warning bool
	Text    string
}

// pingResult is a connection test's outcome as the form shows it.
type pingResult struct {
	OK          bool
	Latency     string
	Diagnostics []diagnostic
	Facts       []shared.Fact
}

func diag(d schema.Diagnostic) diagnostic {
	text := d.Summary
	if d.Detail != "" {
		text += " (" + d.Detail + ")"
	}
	return diagnostic{Warning: d.Severity == schema.SeverityWarning, Text: text}
}

// formState is what a form is made from besides the schema.
type formState struct {
	values   app.FormValues
	problems map[string][]diagnostic // by field key
	saved    map[string]bool         // secrets the saved connection has (edit)
	view     string                  // the view chosen, "simple" or "http"
	addRow   string                  // a key/value list to give one more empty row
}

// newFormPage lays out spec as a form filled with st.
func newFormPage(spec schema.Spec, st formState) formPage {
	p := formPage{Connector: app.ConnectorType{Type: spec.Type, Name: spec.Name, Description: spec.Description, Version: spec.Version}}
	for _, g := range spec.Groups() {
		if len(g.Fields) == 0 {
			continue
		}
		fg := formGroup{Title: g.Section.Title, Help: g.Section.Help, Advanced: g.Advanced}
		if g.View != "" {
			// A spec without sections: its views are the Simple / HTTP
			// switch (when the HTTP view has fields), never collapsed.
			fg.ID, fg.Title, fg.View, fg.Advanced = "view-"+string(g.View), viewTitle(g.View), string(g.View), false
		} else {
			fg.ID = "section-" + g.Section.Key
		}
		for _, f := range g.Fields {
			fg.Fields = append(fg.Fields, newFormField(f, st))
		}
		fg = countProblems(fg)
		fg.Open = !fg.Advanced || fg.Problems > 0
		p.Groups = append(p.Groups, fg)
	}
	p.Views = len(spec.Sections) == 0 && len(p.Groups) == 2
	if !p.Views {
		for i := range p.Groups {
			p.Groups[i].View = "" // one view alone: no switch
		}
		return p
	}
	// The view chosen stays; a form whose problems are all in the HTTP
	// view opens on it.
	simple, http := p.Groups[0], p.Groups[len(p.Groups)-1]
	p.ViewHTTP = st.view == "http" || (st.view == "" && simple.Problems == 0 && http.Problems > 0)
	return p
}

func viewTitle(v schema.View) string {
	if v == schema.ViewHTTP {
		return "HTTP"
	}
	return "Simple"
}

func countProblems(g formGroup) formGroup {
	for _, f := range g.Fields {
		if len(f.Problems) > 0 {
			g.Problems++
		}
	}
	return g
}

// newFormField makes the form's field f.
func newFormField(f schema.Field, st formState) formField {
	ff := formField{Key: f.Key, ID: "f-" + f.Key, Label: f.Label, Help: f.Help, Kind: string(f.Kind),
		Required: f.Required, Secret: f.Secret, Default: f.Default, Range: f.RangeText(),
		SecretSet: st.saved[f.Key], Problems: st.problems[f.Key]}
	if !f.Secret {
		ff.Value = st.values.Text[f.Key]
	}
	if f.Min != nil {
		ff.Min = strconv.FormatInt(*f.Min, 10)
	}
	if f.Max != nil {
		ff.Max = strconv.FormatInt(*f.Max, 10)
	}
	if c := f.ShowWhen; c != nil {
		ff.Condition = c.String()
		ff.WhenField = "f-" + c.Field
		b, _ := json.Marshal(c.Values)
		ff.WhenValues = string(b)
	}
	switch f.Kind {
	case schema.KindEnum, schema.KindBool:
		opts := f.Options
		if f.Kind == schema.KindBool {
			opts = []string{"true", "false"}
		}
		first := "Choose…"
		if f.Default != "" {
			first = "Default (" + f.Default + ")"
		}
		ff.Options = append(ff.Options, formOption{Value: "", Label: first, Selected: ff.Value == ""})
		for _, o := range opts {
			ff.Options = append(ff.Options, formOption{Value: o, Label: o, Selected: ff.Value == o})
		}
	case schema.KindKeyValues:
		for i, e := range st.values.Entries[f.Key] {
			row := formRow{Index: i, Name: e.Name, Secret: e.Secret}
			if !e.Secret {
				row.Value = e.Value
			}
			ff.Rows = append(ff.Rows, row)
		}
		ff.Rows = append(ff.Rows, formRow{Index: len(ff.Rows)})
		if st.addRow == f.Key {
			ff.Rows = append(ff.Rows, formRow{Index: len(ff.Rows)})
		}
		for _, r := range ff.Rows {
			if p := st.problems[schema.EntryKey(f.Key, r.Name)]; r.Name != "" && len(p) > 0 {
				ff.Problems = append(ff.Problems, p...)
			}
		}
	}
	return ff
}

// newPing is a connection test's result as the form shows it.
func newPing(res shared.PingResult) *pingResult {
	p := &pingResult{OK: res.OK, Facts: res.Facts}
	if res.Latency > 0 {
		p.Latency = res.Latency.Round(100_000).String()
	}
	for _, d := range res.Diagnostics {
		p.Diagnostics = append(p.Diagnostics, diag(d))
	}
	return p
}

// missingProblem says why a setting the draft lacks is needed.
func missingProblem(f schema.Field, savedSecret bool) diagnostic {
	if savedSecret {
		return diagnostic{Text: fmt.Sprintf("%s is set, but an edit never reuses a secret: type it again to save.", f.Label)}
	}
	return diagnostic{Text: fmt.Sprintf("%s is required.", f.Label)}
}
