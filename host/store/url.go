package store

import (
	"errors"
	"net/url"
	"strings"
)

// IsURL reports whether a store location is a PostgreSQL URL.
func IsURL(loc string) bool {
	return strings.HasPrefix(loc, "postgres://") || strings.HasPrefix(loc, "postgresql://")
}

// RedactURL returns a store URL fit to show: its password, if any, is
// replaced by xxxxx.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		// Not a URL we can take apart: show its scheme only.
		if i := strings.Index(raw, "://"); i >= 0 {
			return raw[:i+3] + "(unreadable URL)"
		}
		return "(unreadable URL)"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// URLPassword returns the password a store URL holds, "" for none.
func URLPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if p, ok := u.User.Password(); ok {
		return p
	}
	return u.Query().Get("password")
}

// redactError returns err with every occurrence of the URL, its
// password and password in its text replaced, so that no error shows one.
func redactError(err error, raw, password string) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	if raw != "" {
		text = strings.ReplaceAll(text, raw, RedactURL(raw))
	}
	for _, p := range []string{URLPassword(raw), url.QueryEscape(URLPassword(raw)), url.PathEscape(URLPassword(raw)), password} {
		if len(p) > 0 {
			text = strings.ReplaceAll(text, p, "xxxxx")
		}
	}
	if text == err.Error() {
		return err
	}
	return errors.New(text)
}
