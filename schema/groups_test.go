package schema

import "testing"

// A spec with sections is grouped by section, in the sections' order
// (not the fields'), an empty one included; one without, by view.
func TestGroups(t *testing.T) {
	s := Spec{
		Sections: []Section{{Key: "b", Title: "B"}, {Key: "a", Title: "A", Advanced: true}, {Key: "c", Title: "C"}},
		Fields: []Field{
			{Key: "x", Section: "a", View: ViewSimple}, {Key: "y", Section: "b", View: ViewHTTP}, {Key: "z", Section: "a", View: ViewSimple},
		},
	}
	var got []string
	for _, g := range s.Groups() {
		names := g.Section.Key + ":"
		for _, f := range g.Fields {
			names += f.Key
		}
		if g.Advanced {
			names += "!"
		}
		got = append(got, names)
	}
	if want := []string{"b:y", "a:xz!", "c:"}; !equal(got, want) {
		t.Errorf("by section: %v, want %v", got, want)
	}
	s.Sections = nil
	got = nil
	for _, g := range s.Groups() {
		names := string(g.View) + ":"
		for _, f := range g.Fields {
			names += f.Key
		}
		if g.Advanced {
			names += "!"
		}
		got = append(got, names)
	}
	if want := []string{"simple:xz", "http:y!"}; !equal(got, want) {
		t.Errorf("by view: %v, want %v", got, want)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
