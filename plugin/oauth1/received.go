package oauth1

import (
	"fmt"
	"net/http"
)

// maxFormBody bounds the form body read on the server side, as
// net/http's ParseForm does.
const maxFormBody = 10 << 20

// received is what the base string of a signed request is made of.
type received struct {
	query  string
	body   []byte      // a form body, else nil
	ap     []authParam // the protocol parameters
	header bool        // ap is the Authorization header's, else it is in query and body
}

// where names where the protocol parameters were found, for errors.
func (rc received) where() string {
	if rc.header {
		return "Authorization header"
	}
	return "request"
}

// readReceived finds the protocol parameters of r, in its OAuth
// Authorization header or else in its query and form body, and reads its
// query and form body (which is left readable again).
func readReceived(r *http.Request) (received, error) {
	rc := received{query: r.URL.RawQuery}
	ap, err := requestAuthorization(r)
	if err != nil && err != errNoHeader {
		return rc, err
	}
	rc.ap, rc.header = ap, err == nil
	if len(rc.query) > maxSigned {
		return rc, fmt.Errorf("query is too large")
	}
	if isForm(r.Header) {
		if rc.body, err = readBody(r, maxFormBody); err != nil {
			return rc, fmt.Errorf("reading form body: %w", err)
		}
	}
	if !rc.header {
		if rc.ap, err = formProtocol(rc.query, rc.body); err != nil {
			return rc, err
		}
		if rc.ap == nil {
			return rc, errNoHeader
		}
	}
	return rc, nil
}

// baseString collects the parameters (query, form body and, from a header,
// the protocol parameters) and appends the base string, whose range it
// returns.
func (rc received) baseString(r *http.Request) (params, span, error) {
	var p params
	p.buf = make([]byte, 0, 3*(len(rc.query)+len(rc.body))+512)
	p, err := addForm(p, rc.query, "query")
	if err != nil {
		return p, span{}, err
	}
	if p, err = addForm(p, rc.body, "form body"); err != nil {
		return p, span{}, err
	}
	if rc.header {
		for _, a := range rc.ap {
			if a.name == "realm" || a.name == "oauth_signature" {
				continue
			}
			if p, err = p.add(a.name, a.value); err != nil {
				return p, span{}, fmt.Errorf("Authorization header: %w", err)
			}
		}
	}
	return p.appendBaseString(r, 0)
}

// formProtocol returns the parameters named oauth_* of the query and form
// body, decoded, when they hold oauth_consumer_key or oauth_signature (a
// request signed with InQuery or InBody), else nil. A name given twice is
// an error.
func formProtocol(query string, body []byte) ([]authParam, error) {
	var ps []authParam
	signed := false
	add := func(name, value []byte) error {
		if len(name) < len("oauth_") || string(name[:len("oauth_")]) != "oauth_" {
			return nil
		}
		for _, p := range ps {
			if p.name == string(name) {
				return fmt.Errorf("parameter %q appears twice in the query and form body", clip(name))
			}
		}
		if len(ps) == maxAuthParams {
			return fmt.Errorf("more than %d oauth_ parameters in the query and form body", maxAuthParams)
		}
		signed = signed || string(name) == "oauth_consumer_key" || string(name) == "oauth_signature"
		ps = append(ps, authParam{string(name), string(value)})
		return nil
	}
	if err := eachForm(query, add); err != nil {
		return nil, err
	}
	if err := eachForm(body, add); err != nil {
		return nil, err
	}
	if !signed {
		return nil, nil
	}
	return ps, nil
}

// eachForm calls f with the decoded name and value of each part of form
// data; a part that does not decode is skipped (signing reports it).
func eachForm[T text](data T, f func(name, value []byte) error) error {
	var name, value []byte
	for i := 0; i < len(data); {
		end := i + index(data[i:], '&')
		if end < i {
			end = len(data)
		}
		part := data[i:end]
		i = end + 1
		eq := index(part, '=')
		if eq < 0 {
			eq = len(part)
		}
		var ok1, ok2 bool
		name, ok1 = formDecode(name[:0], part[:eq])
		value, ok2 = formDecode(value[:0], part[min(eq+1, len(part)):])
		if !ok1 || !ok2 || len(part) == 0 {
			continue
		}
		if err := f(name, value); err != nil {
			return err
		}
	}
	return nil
}
