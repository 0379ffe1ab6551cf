package app

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSimilar(t *testing.T) {
	known := []string{"prod", "Production", "staging", "stage-2", "dev", "twitter-ads", "http"}
	for _, tt := range []struct {
		typed string
		want  []string
	}{
		{"prd", []string{"prod"}},
		{"PROD", []string{"prod", "Production"}}, // case ignored; a prefix
		{"stagin", []string{"staging"}},          // one edit; stage-2 is three
		{"twiter-ads", []string{"twitter-ads"}},  // one edit
		{"twitter", []string{"twitter-ads"}},     // a prefix, past the edits
		{"https", []string{"http"}},              // it starts with a known name
		{"zzzzzz", []string{}},                   // nothing near
		{"d", []string{"dev"}},                   // a prefix; "prod" is three edits away
		{"", []string{}},
	} {
		if got := Similar(tt.typed, known); !cmp.Equal(got, tt.want) {
			t.Errorf("Similar(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
	if got := Similar("a", []string{"b", "c", "d", "e"}); len(got) != 3 {
		t.Errorf("more than three, or fewer: %q", got)
	}
}
