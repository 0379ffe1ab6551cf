package oauthtestapi

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_test/") {
		s.serveTest(w, r)
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, "/v1/")
	if !ok {
		problem(w, http.StatusNotFound, "no such path: the API is under /v1")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		problem(w, http.StatusBadRequest, "reading the body: %v", err)
		return
	}
	v, why := s.verify(r, body)
	if why != "" {
		s.count(func(c *Counts) { c.Unauthorized++ })
		problem(w, http.StatusUnauthorized, "%s", why)
		return
	}
	switch {
	case path == "me":
		s.ok(w, http.StatusOK, map[string]any{"ok": true, "method": v.Method, "placement": placement(r), "realm": realm(r),
			"body_hash":    strings.Contains(r.Header.Get("Authorization")+r.URL.RawQuery+string(body), "oauth_body_hash"),
			"content_type": r.Header.Get("Content-Type"), "client": r.Header.Get("X-Client")})
	case path == "suspended":
		s.ok(w, http.StatusOK, map[string]any{"ok": false, "error": map[string]any{"message": "this account is suspended"}})
	case path == "items" && r.Method == http.MethodPost:
		s.create(w, r, body)
	case strings.HasPrefix(path, "items/") && r.Method == http.MethodGet:
		s.list(w, r, strings.TrimPrefix(path, "items/"))
	case path == "slow":
		s.slow(w, r)
	default:
		problem(w, http.StatusNotFound, "no such endpoint: %s %s", r.Method, r.URL.Path)
	}
}

func (s *Server) count(f func(*Counts)) {
	s.mu.Lock()
	f(&s.counts)
	s.mu.Unlock()
}

func (s *Server) ok(w http.ResponseWriter, status int, v any) {
	s.count(func(c *Counts) { c.OK++ })
	writeJSON(w, status, v)
}

func (s *Server) item(i int) map[string]any {
	return map[string]any{"id": fmt.Sprintf("item-%03d", i+1), "name": fmt.Sprintf("Item %d", i+1), "n": i + 1}
}

func (s *Server) page(offset, n int) []map[string]any {
	out := []map[string]any{}
	for i := max(offset, 0); i < min(offset+n, s.size); i++ {
		out = append(out, s.item(i))
	}
	return out
}

// list answers one page of the items in the paging style named.
func (s *Server) list(w http.ResponseWriter, r *http.Request, style string) {
	q := r.URL.Query()
	num := func(key string, def int) int {
		if n, err := strconv.Atoi(q.Get(key)); err == nil && n > 0 {
			return n
		}
		return def
	}
	count, offset := num("count", 10), num("offset", 0)
	next := func(path string) any {
		if offset+count >= s.size {
			return nil
		}
		return fmt.Sprintf("http://%s/v1/items/%s?%s", r.Host, path, url.Values{"offset": {strconv.Itoa(offset + count)}, "count": {strconv.Itoa(count)}}.Encode())
	}
	switch style {
	case "cursor":
		offset, _ = strconv.Atoi(strings.TrimPrefix(q.Get("cursor"), "c"))
		var cursor any
		if offset+count < s.size {
			cursor = "c" + strconv.Itoa(offset+count)
		}
		s.ok(w, http.StatusOK, map[string]any{"items": s.page(offset, count), "next_cursor": cursor, "total": s.size})
	case "next":
		s.ok(w, http.StatusOK, map[string]any{"results": s.page(offset, count), "next": next("next")})
	case "pages":
		per := num("per_page", 10)
		s.ok(w, http.StatusOK, map[string]any{"data": s.page((num("page", 1)-1)*per, per)})
	case "link":
		link := fmt.Sprintf(`<http://%s/v1/items/link?count=%d>; rel="first"`, r.Host, count)
		if n := next("link"); n != nil {
			link += fmt.Sprintf(`, <%s>; rel="next"`, n) // one field, as GitHub sends it
		}
		w.Header().Set("Link", link)
		s.ok(w, http.StatusOK, map[string]any{"records": s.page(offset, count)})
	case "links":
		// Each link in a Link field of its own, the next URL with commas
		// in its query, a title that holds a comma, a semicolon and
		// "rel=next": what a parser that splits on commas gets wrong.
		w.Header().Add("Link", fmt.Sprintf(`<http://%s/v1/help>; title="see; rel=next, maybe"; rel="help"`, r.Host))
		if n := next("links"); n != nil {
			w.Header().Add("Link", fmt.Sprintf(`<%s&fields=id,name>; rel="prefetch next"`, n))
		}
		s.ok(w, http.StatusOK, map[string]any{"records": s.page(offset, count)})
	case "limited":
		if reset, limited := s.spend(); limited {
			s.count(func(c *Counts) { c.RateLimited++ })
			w.Header().Set("X-Calls-Left", "0")
			w.Header().Set("X-Calls-Reset", strconv.FormatInt(reset.Unix(), 10))
			problem(w, 420, "enhance your calm: the budget of %d requests is spent", s.budget)
			return
		}
		s.ok(w, http.StatusOK, map[string]any{"results": s.page(offset, count), "next": next("limited")})
	default:
		problem(w, http.StatusNotFound, "no such list: %s", style)
	}
}

// spend takes one request of the items/limited budget. Once it is spent,
// answers are 420 until a reset 1 to 2 s after the first of them.
func (s *Server) spend() (reset time.Time, limited bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if s.left == 0 && !s.resetAt.IsZero() && !now.Before(s.resetAt) {
		s.left, s.resetAt = s.budget, time.Time{}
	}
	if s.left > 0 {
		s.left--
		return time.Time{}, false
	}
	if s.resetAt.IsZero() {
		s.resetAt = time.Unix(now.Add(time.Second).Unix()+1, 0) // whole seconds, as the header says
	}
	return s.resetAt, true
}

func (s *Server) create(w http.ResponseWriter, r *http.Request, body []byte) {
	var in map[string]any
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		form, _ := url.ParseQuery(string(body))
		in = map[string]any{"name": form.Get("name")}
	} else if json.Unmarshal(body, &in) != nil {
		problem(w, http.StatusBadRequest, "the body is not a JSON object")
		return
	}
	if name, _ := in["name"].(string); name == "" {
		problem(w, http.StatusBadRequest, "name is required")
		return
	}
	s.mu.Lock()
	s.created++
	id := fmt.Sprintf("new-%d", s.created)
	s.mu.Unlock()
	in["id"] = id
	s.ok(w, http.StatusCreated, map[string]any{"data": in})
}

// slow answers after ?ms= milliseconds, keeping the most requests held.
func (s *Server) slow(w http.ResponseWriter, r *http.Request) {
	ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
	s.mu.Lock()
	s.inflight++
	s.counts.MaxInFlight = max(s.counts.MaxInFlight, s.inflight)
	s.mu.Unlock()
	select {
	case <-time.After(time.Duration(ms) * time.Millisecond):
	case <-r.Context().Done():
	}
	s.mu.Lock()
	s.inflight--
	s.mu.Unlock()
	s.ok(w, http.StatusOK, map[string]any{"ok": true})
}
