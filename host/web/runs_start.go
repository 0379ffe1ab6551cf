package web

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/openintegrator/integrator/host/app"
)

// runsData is what /runs shows: the start forms (one open, with what was
// typed into it and its problems) and the history.
type runsData struct {
	Connections []string
	Open        string     // the form shown open: export, import or report; "" for none
	Form        url.Values // what was typed into it
	Problems    []string   // why it was refused
	Runs        []runRow
}

// Value returns what was typed into field of the open form.
func (d runsData) Value(field string) string { return d.Form.Get(field) }

// Checked reports whether a checkbox of the open form was ticked.
func (d runsData) Checked(field string) bool { return d.Form.Get(field) != "" }

// runChoice is an option of a select.
type runChoice struct {
	Value    string
	Selected bool
}

// Choices are the options of the open form's select field, the one typed
// selected (else the first).
func (d runsData) Choices(field string, values ...string) []runChoice {
	typed := d.Form.Get(field)
	out := make([]runChoice, len(values))
	for i, v := range values {
		out[i] = runChoice{Value: v, Selected: v == typed || (typed == "" && i == 0)}
	}
	return out
}

// runConnectionField is a form's connection select.
type runConnectionField struct {
	ID      string
	Choices []runChoice
}

// ConnectionField is the connection select of the form of kind.
func (d runsData) ConnectionField(kind string) runConnectionField {
	typed := ""
	if kind == d.Open {
		typed = d.Form.Get("connection")
	}
	f := runConnectionField{ID: kind + "-connection"}
	for i, name := range d.Connections {
		f.Choices = append(f.Choices, runChoice{Value: name, Selected: name == typed || (typed == "" && i == 0)})
	}
	return f
}

// runReportField is a text field of the report form.
type runReportField struct {
	Name, Label, Help string
	Required          bool
}

// ReportFields are the report form's fields, in order.
func (d runsData) ReportFields() []runReportField { return runReportFields }

var runReportFields = []runReportField{
	{"account", "Account", "The ads account's id.", true},
	{"entity", "Entity", "The type of the entities reported on, as the API names it (the X Ads API: CAMPAIGN, LINE_ITEM, PROMOTED_TWEET, FUNDING_INSTRUMENT or ACCOUNT).", true},
	{"ids", "IDs", "The entities' ids, comma-separated.", true},
	{"start", "Start", "The first hour reported on: a date (2026-01-31, midnight UTC) or a time (2026-01-31T08:00:00Z), a whole hour.", true},
	{"end", "End", "The hour the report ends before, written as Start.", true},
	{"granularity", "Granularity", "DAY, HOUR or TOTAL; empty: the connector's first.", false},
	{"metrics", "Metrics", "Metric groups, comma-separated (the X Ads API: ENGAGEMENT, BILLING, VIDEO, ...).", true},
	{"placement", "Placement", "Empty: the connector's default (for the X Ads API, X's own placements).", false},
	{"segment", "Segment", "A segmentation type, or empty for none.", false},
}

func (s *Server) runsPage(w http.ResponseWriter, r *http.Request) {
	s.showRuns(w, r, http.StatusOK, runsData{})
}

// showRuns renders /runs with d's form.
func (s *Server) showRuns(w http.ResponseWriter, r *http.Request, status int, d runsData) {
	conns, err := s.app.Connections(r.Context())
	if err != nil {
		s.runError(w, r, err)
		return
	}
	for _, c := range conns {
		d.Connections = append(d.Connections, c.Name)
	}
	runs, err := s.runs.m.Runs(r.Context())
	if err != nil {
		s.runError(w, r, err)
		return
	}
	for _, rec := range runs {
		d.Runs = append(d.Runs, runRowOf(rec))
	}
	if d.Form == nil {
		d.Form = url.Values{}
	}
	s.render(w, r, status, "runs.html", "Runs", "runs", d)
}

// started answers a start form: the run's page once it started, else the
// form again with what was typed and every problem (400), or the core's
// error.
func (s *Server) runStarted(w http.ResponseWriter, r *http.Request, kind string, form url.Values, problems []string, start func() (app.RunRecord, error)) {
	if len(problems) == 0 {
		rec, err := start()
		var bad *app.RunInputError
		var nc *app.NotFoundError
		switch {
		case err == nil:
			http.Redirect(w, r, "/runs/"+rec.ID, http.StatusSeeOther)
			return
		case errors.As(err, &bad):
			problems = bad.Problems
		case errors.As(err, &nc):
			problems = []string{"Connection: " + nc.Error() + "; choose one of the list"}
		default:
			s.runError(w, r, err)
			return
		}
	}
	s.showRuns(w, r, http.StatusBadRequest, runsData{Open: kind, Form: form, Problems: problems})
}

// startExport starts an export from its form.
func (s *Server) startExport(w http.ResponseWriter, r *http.Request) {
	if !s.runParseForm(w, r) {
		return
	}
	f := r.PostForm
	var problems []string
	params, err := app.ParseParams(runLines(f.Get("params")))
	if err != nil {
		problems = append(problems, "Parameters: "+err.Error())
	}
	o := app.ExportOptions{Path: strings.TrimSpace(f.Get("path")), Params: params, RecordsField: strings.TrimSpace(f.Get("records"))}
	o.MaxRecords = runFormInt(f, "max_records", "Max records", &problems)
	s.runStarted(w, r, "export", f, problems, func() (app.RunRecord, error) {
		return s.runs.m.StartExport(r.Context(), f.Get("connection"), o)
	})
}

// startReport starts a report from its form.
func (s *Server) startReport(w http.ResponseWriter, r *http.Request) {
	if !s.runParseForm(w, r) {
		return
	}
	f := r.PostForm
	var problems []string
	o := app.ReportOptions{Account: strings.TrimSpace(f.Get("account")), Entity: strings.TrimSpace(f.Get("entity")),
		IDs: app.SplitList(f.Get("ids")), Granularity: strings.TrimSpace(f.Get("granularity")), Metrics: app.SplitList(f.Get("metrics")),
		Placement: strings.TrimSpace(f.Get("placement")), Segment: strings.TrimSpace(f.Get("segment"))}
	o.Start = runFormTime(f, "start", "Start", &problems)
	o.End = runFormTime(f, "end", "End", &problems)
	s.runStarted(w, r, "report", f, problems, func() (app.RunRecord, error) {
		return s.runs.m.StartReport(r.Context(), f.Get("connection"), o)
	})
}

// Limits on the fields of an import's multipart form, beside its file.
const (
	runMaxField  = 64 << 10
	runMaxFields = 1 << 20
)

// startImport starts an import from its multipart form, streaming the
// input file to the run's folder as it arrives (never into memory).
func (s *Server) startImport(w http.ResponseWriter, r *http.Request) {
	mr, err := r.MultipartReader()
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "The import form must be sent as multipart/form-data, with its input file.", "/runs")
		return
	}
	f := url.Values{}
	var in *app.RunInput
	var problems []string
	total := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			in.Discard()
			s.runUploadFailed(w, r, err)
			return
		}
		if part.FormName() == "input" {
			if in != nil {
				part.Close()
				in.Discard()
				s.fail(w, r, http.StatusBadRequest, "The import form sent more than one input file: choose one.", "/runs")
				return
			}
			if in, err = s.runs.m.ReceiveInput(part, part.FileName(), s.opts.MaxUploadBytes); err != nil {
				s.runUploadFailed(w, r, err)
				return
			}
			f.Set("input_name", in.Name)
			continue
		}
		v, err := runField(part)
		total += len(v)
		if err != nil || total > runMaxFields {
			in.Discard()
			if err == nil {
				err = errRunFieldTooLong
			}
			s.runUploadFailed(w, r, err)
			return
		}
		f.Add(part.FormName(), v)
	}
	o := app.ImportOptions{Method: f.Get("method"), PathTemplate: strings.TrimSpace(f.Get("path")), As: f.Get("as"),
		BatchPath: strings.TrimSpace(f.Get("batch_path")), Again: f.Get("again") != ""}
	o.Batch = int(runFormInt(f, "batch", "Batch size", &problems))
	o.Concurrency = int(runFormInt(f, "concurrency", "Concurrency", &problems))
	if len(problems) > 0 {
		in.Discard()
	}
	s.runStarted(w, r, "import", f, problems, func() (app.RunRecord, error) {
		return s.runs.m.StartImport(r.Context(), f.Get("connection"), o, in)
	})
}

var errRunFieldTooLong = errors.New("a field of the form is too long")

// runField reads a form field of a multipart form, bounded.
func runField(p *multipart.Part) (string, error) {
	defer p.Close()
	b, err := io.ReadAll(io.LimitReader(p, runMaxField+1))
	if err == nil && len(b) > runMaxField {
		err = errRunFieldTooLong
	}
	return string(b), err
}

// runUploadFailed answers an import form that could not be read: too large
// (413), or broken off or malformed (400). Nothing was kept of it.
func (s *Server) runUploadFailed(w http.ResponseWriter, r *http.Request, err error) {
	var tooLarge *app.InputTooLargeError
	var maxBytes *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		s.showRuns(w, r, http.StatusRequestEntityTooLarge, runsData{Open: "import", Problems: []string{"Input file: " + err.Error() + "."}})
	case errors.As(err, &maxBytes):
		s.showRuns(w, r, http.StatusRequestEntityTooLarge, runsData{Open: "import",
			Problems: []string{"Input file: " + (&app.InputTooLargeError{Limit: maxBytes.Limit}).Error() + "."}})
	case errors.Is(err, errRunFieldTooLong):
		s.showRuns(w, r, http.StatusRequestEntityTooLarge, runsData{Open: "import", Problems: []string{"A field of the form is too long; nothing was kept."}})
	default:
		s.showRuns(w, r, http.StatusBadRequest, runsData{Open: "import", Problems: []string{"The form could not be read (" + err.Error() + "); nothing was kept: send it again."}})
	}
}

// runParseForm reads a form post's fields; a body over the form limit is
// answered 413, anything unreadable 400.
func (s *Server) runParseForm(w http.ResponseWriter, r *http.Request) bool {
	err := r.ParseForm()
	if err == nil {
		return true
	}
	var maxBytes *http.MaxBytesError
	if errors.As(err, &maxBytes) {
		s.fail(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("The form is larger than the %d bytes a form may be.", maxBytes.Limit), "/runs")
		return false
	}
	s.fail(w, r, http.StatusBadRequest, "The form could not be read: send it again.", "/runs")
	return false
}

// runFormInt reads a whole number field; empty is 0, anything else not a
// whole number a problem naming label.
func runFormInt(f url.Values, field, label string, problems *[]string) int64 {
	v := strings.TrimSpace(f.Get(field))
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		*problems = append(*problems, fmt.Sprintf("%s: %q is not a whole number", label, v))
	}
	return n
}

// lines returns the lines of a text area that are not blank, trimmed.
func runLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// runFormTime reads a report's time field; empty is the zero time (which
// the core refuses as missing), anything else not a time a problem naming
// label.
func runFormTime(f url.Values, field, label string, problems *[]string) time.Time {
	v := strings.TrimSpace(f.Get(field))
	if v == "" {
		return time.Time{}
	}
	t, err := app.ParseReportTime(v)
	if err != nil {
		*problems = append(*problems, label+": "+err.Error())
	}
	return t
}
