package schema

// Group is a part of a form or listing of a spec's fields: a section, or,
// for a spec without sections, a view.
type Group struct {
	Section  Section // the section; its Key is "" for a view
	View     View    // the view, for a spec without sections; "" for a section
	Advanced bool    // a section marked so, or the HTTP view: settings most connections leave as they are
	Fields   []Field // in spec order
}

// Groups returns the spec's fields as a form shows them: in the spec's
// sections, in their order, when it has sections; else in the simple
// view, then the HTTP view. Every section and both views are returned,
// also those without fields.
func (s Spec) Groups() []Group {
	var out []Group
	if len(s.Sections) == 0 {
		for _, v := range []View{ViewSimple, ViewHTTP} {
			g := Group{View: v, Advanced: v == ViewHTTP}
			for _, f := range s.Fields {
				if f.View == v {
					g.Fields = append(g.Fields, f)
				}
			}
			out = append(out, g)
		}
		return out
	}
	for _, sec := range s.Sections {
		g := Group{Section: sec, Advanced: sec.Advanced}
		for _, f := range s.Fields {
			if f.Section == sec.Key {
				g.Fields = append(g.Fields, f)
			}
		}
		out = append(out, g)
	}
	return out
}
