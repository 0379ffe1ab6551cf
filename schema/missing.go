package schema

// Missing returns what c still lacks before it can be saved, in spec
// order: each field that applies (see Shown), is required, and has neither
// a value nor a default; and, for each secret entry of a key/value list
// whose value is not given (an edit starts from a saved list, whose secret
// values are not kept), a Field that stands for the entry: its key is the
// entry key (EntryKey), it is a required secret string.
//
// An empty text counts as missing here, though Validate accepts it: a
// front end asks for it rather than save a required text empty.
func (s Spec) Missing(c Config) []Field {
	var out []Field
	shown := s.Shown(c)
	for _, f := range s.Fields {
		if !shown[f.Key] {
			continue
		}
		if f.Required && f.Default == "" && c.Text(f.Key) == "" {
			out = append(out, f)
			continue
		}
		for _, e := range c[f.Key].entries() {
			if e.Secret && e.Value == "" && e.Name != "" {
				out = append(out, Field{
					Key: EntryKey(f.Key, e.Name), Label: f.Label + " " + e.Name, Kind: KindString,
					Help:     "The secret value of " + e.Name + " in " + f.Label + ". " + f.Help,
					Required: true, Secret: true, View: f.View, Section: f.Section,
				})
			}
		}
	}
	return out
}
