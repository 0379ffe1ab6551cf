package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/openintegrator/integrator/host/app"
)

// pluginsPage is every plugin file found, whether it works and why not,
// and, for one that changed since it was trusted, its old and new
// checksums and a Trust button (what `plugins list` shows).
type pluginsPage struct {
	Notice  string
	Plugins []app.Plugin
	Dirs    []string
}

// pluginsPage is GET /plugins. Each plugin is started once, as `plugins
// list` does: this is the check that it works. ?trusted=TYPE says what a
// Trust did.
func (s *Server) pluginsPage(w http.ResponseWriter, r *http.Request) {
	list, err := s.app.Plugins(r.Context())
	if err != nil {
		s.coreError(w, r, err, "")
		return
	}
	p := pluginsPage{Plugins: list.Plugins, Dirs: list.Dirs}
	if t := r.URL.Query().Get("trusted"); t != "" {
		p.Notice = "Trusted the plugin of " + t + " as it is now."
	}
	s.render(w, r, http.StatusOK, "plugins.html", "Plugins", "plugins", p)
}

// trustPluginPost is POST /plugins/TYPE/trust: it trusts the plugin
// binary of that type now found, in place of the one trusted before. The
// form names the checksum the page showed, and only a binary of that
// checksum is trusted: one that changed again meanwhile is refused.
func (s *Server) trustPluginPost(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		if !s.tooBig(w, r, err) {
			s.fail(w, r, http.StatusBadRequest, "The form could not be read.", "")
		}
		return
	}
	typ, sum := r.PathValue("type"), r.PostFormValue("sha256")
	if sum == "" {
		s.fail(w, r, http.StatusBadRequest, "Trust a plugin from the plugins page: it names the checksum trusted.", "/plugins")
		return
	}
	if _, err := s.app.TrustPlugin(r.Context(), typ, sum); err != nil {
		var unknown *app.UnknownTypeError
		if errors.As(err, &unknown) {
			s.coreError(w, r, err, "/plugins")
			return
		}
		// The plugin changed again, or does not work: nothing was trusted.
		s.fail(w, r, http.StatusConflict, err.Error(), "/plugins")
		return
	}
	http.Redirect(w, r, "/plugins?trusted="+url.QueryEscape(typ), http.StatusSeeOther)
}
