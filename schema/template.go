package schema

import (
	"fmt"
	"strings"
)

// Template is the text of a setting made from other settings' values, as
// a Conversion's Mapping declares it. The language is small on purpose:
//
//   - {key} is the value of setting key, as text (its default when it has
//     no value); a setting with neither is an error, not an empty string;
//   - {{ and }} are a literal { and };
//   - where a value and the text beside it meet with a slash on both
//     sides, one slash is dropped: "{base_uri}/{api_version}" gives
//     https://api.example.com/12 whether the base URI ends with a slash
//     or not;
//   - everything else is literal text.
//
// There are no conditions, functions or escapes besides these.
type Template string

// Keys lists the settings the template names, in order, each once; an
// error when it does not parse (a brace left open, a } alone, an empty
// name).
func (t Template) Keys() ([]string, error) {
	parts, err := t.parse()
	if err != nil {
		return nil, err
	}
	var keys []string
	seen := map[string]bool{}
	for _, p := range parts {
		if p.key != "" && !seen[p.key] {
			seen[p.key] = true
			keys = append(keys, p.key)
		}
	}
	return keys, nil
}

// Render returns the template's text with the values of c in it.
func (t Template) Render(c Config) (string, error) {
	parts, err := t.parse()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	prevValue := false
	for _, p := range parts {
		text := p.text
		if p.key != "" {
			if text = c.Text(p.key); text == "" {
				return "", fmt.Errorf("the template %q needs a value of %s, which has none", string(t), p.key)
			}
		}
		// A value next to text, or text next to a value, meeting at "/".
		if (p.key != "" || prevValue) && strings.HasSuffix(b.String(), "/") && strings.HasPrefix(text, "/") {
			text = text[1:]
		}
		b.WriteString(text)
		prevValue = p.key != ""
	}
	return b.String(), nil
}

// part is a piece of a template: literal text, or the key of a value.
type part struct{ text, key string }

func (t Template) parse() ([]part, error) {
	s := string(t)
	var parts []part
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, part{text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '{' && strings.HasPrefix(s[i:], "{{"), c == '}' && strings.HasPrefix(s[i:], "}}"):
			lit.WriteByte(c)
			i++
		case c == '{':
			end := strings.IndexAny(s[i+1:], "{}")
			if end < 0 || s[i+1+end] != '}' {
				return nil, fmt.Errorf("the template %q has a { without its }", s)
			}
			key := s[i+1 : i+1+end]
			if strings.TrimSpace(key) == "" || strings.TrimSpace(key) != key {
				return nil, fmt.Errorf("the template %q has an empty or padded name in braces", s)
			}
			flush()
			parts = append(parts, part{key: key})
			i += end + 1
		case c == '}':
			return nil, fmt.Errorf("the template %q has a } without its { (write }} for a brace)", s)
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return parts, nil
}
