package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

// files holds the page templates and the static assets (styles, the
// small scripts), served by the binary itself.
//
//go:embed templates static
var files embed.FS

// page is what every page template gets: the layout's title and current
// navigation item, and the page's own data.
type page struct {
	Title string
	Nav   string // "connections", "connectors", "plugins" or "runs": the current item
	Data  any
}

// funcs are the helpers page templates may call.
var funcs = template.FuncMap{
	// pathEscape makes a connection name (which may hold '/', '?', spaces)
	// one segment of a URL path.
	"pathEscape": url.PathEscape,
	// when writes a time the way the pages show times, UTC.
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"join": strings.Join,
	// hasProblems reports whether a form's groups mark a problem.
	"hasProblems": func(gs []formGroup) bool {
		for _, g := range gs {
			if g.Problems > 0 {
				return true
			}
		}
		return false
	},
}

// parsePages parses each page (templates/*.html but the layout) with the
// layout and the shared parts (templates/parts/*.html): a page defines
// "content" (and may define "head" for its scripts).
func parsePages() (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/parts/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := path.Base(n)
		if name == "layout.html" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(files, n)
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

// render writes the page name (a file in templates/) in the layout, with
// status. The page is rendered whole before a byte is sent, so a template
// error is a clean 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title, nav string, data any) {
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("no such page template", "page", name)
		plain(w, http.StatusInternalServerError, "500 Internal Server Error: the page is missing\n")
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", page{Title: title, Nav: nav, Data: data}); err != nil {
		s.log.Error("rendering a page", "page", name, "error", err)
		plain(w, http.StatusInternalServerError, "500 Internal Server Error: the page could not be shown\n")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// failure is what the error page shows.
type failure struct {
	Status  int
	Message string
	Back    string // a link to go on from, "" for none
}

// fail renders the error page: the status and a message that says what
// happened and what to do. The message must hold no secret (errors of the
// core never do).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, msg, back string) {
	s.render(w, r, status, "error.html", fmt.Sprintf("%d %s", status, http.StatusText(status)), "",
		failure{Status: status, Message: msg, Back: back})
}

// static serves the embedded assets under /static/.
func (s *Server) static() http.Handler {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	fsrv := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		fsrv.ServeHTTP(w, r)
	})
}
