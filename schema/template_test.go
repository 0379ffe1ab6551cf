package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTemplateRender(t *testing.T) {
	c := Config{"base": StringValue("https://api.example.com"), "slashed": StringValue("https://api.example.com/"),
		"version": StringValue("12"), "path": StringValue("/v2"), "n": IntValue(7), "empty": StringValue("")}
	for _, tt := range []struct{ template, want string }{
		{"{base}/{version}", "https://api.example.com/12"},
		{"{slashed}/{version}", "https://api.example.com/12"}, // one slash where value and text meet
		{"{slashed}{path}", "https://api.example.com/v2"},     // ... and where two values meet
		{"{base}/x//y/{version}", "https://api.example.com/x//y/12"},
		{"{{literal}} {n}", "{literal} 7"},
		{"plain", "plain"},
		{"{version}{version}", "1212"},
	} {
		got, err := Template(tt.template).Render(c)
		if err != nil || got != tt.want {
			t.Errorf("Render(%q) = %q, %v; want %q", tt.template, got, err, tt.want)
		}
	}
	for template, want := range map[string]string{
		"{empty}/x":   `the template "{empty}/x" needs a value of empty, which has none`,
		"{missing}/x": `the template "{missing}/x" needs a value of missing, which has none`,
		"{base":       `the template "{base" has a { without its }`,
		"{a{b}}":      `the template "{a{b}}" has a { without its }`,
		"base}":       `the template "base}" has a } without its { (write }} for a brace)`,
		"{}":          `the template "{}" has an empty or padded name in braces`,
		"{ base }":    `the template "{ base }" has an empty or padded name in braces`,
	} {
		if _, err := Template(template).Render(c); err == nil || err.Error() != want {
			t.Errorf("Render(%q): %v, want %q", template, err, want)
		}
	}
}

func TestTemplateKeys(t *testing.T) {
	keys, err := Template("{base}/{version}/{base}{{x}}").Keys()
	if err != nil || !cmp.Equal(keys, []string{"base", "version"}) {
		t.Errorf("Keys = %v, %v", keys, err)
	}
}
