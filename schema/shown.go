package schema

// Shown reports, for each field of the spec, whether it applies to c: a
// form shows it, validation requires and checks it, and a front end asks
// for it. A field without a condition always applies; a field with one
// applies while the field its condition names applies and has one of the
// condition's values (the value given, else that field's default).
//
// Spec.Check makes a condition name an earlier field, so one pass in spec
// order decides every field, and a front end that asks in spec order
// knows a field's condition before it reaches the field.
func (s Spec) Shown(c Config) map[string]bool {
	shown := make(map[string]bool, len(s.Fields))
	for _, f := range s.Fields {
		cond := f.ShowWhen
		if cond == nil {
			shown[f.Key] = true
			continue
		}
		on, ok := s.Field(cond.Field)
		if !ok || !shown[on.Key] {
			continue
		}
		value := on.Default
		if !unset(on, c[on.Key]) {
			value = c.Text(on.Key)
		}
		for _, want := range cond.Values {
			if value == want {
				shown[f.Key] = true
				break
			}
		}
	}
	return shown
}

// unset reports whether v gives f no value: null, an empty string (but for
// a text field, whose empty text is a value), or a key/value list without
// entries.
func unset(f Field, v Value) bool {
	switch v.t {
	case Null:
		return true
	case String:
		return v.s == "" && f.Kind != KindText
	case KeyValues:
		return v.s == ""
	}
	return false
}
