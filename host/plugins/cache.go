package plugins

import (
	"encoding/json"

	"github.com/openintegrator/integrator/schema"
)

// specCacheVersion is bumped whenever the cached form changes in a way
// older entries cannot be read in; an entry of another version is a cache
// miss, never an error. Version 2: the form gained sections, conditions,
// ranges, key/value lists, fixed fields and conversions; a version 1 entry
// may have been written by an older host that dropped them, so it is read
// from the plugin again.
const specCacheVersion = 2

// cachedSpec is how a plugin's schema is kept in the store: its JSON form
// and the cache version. (Entries written before the form was shared with
// 'connectors show --json' left out false flags and empty defaults, and
// hold defaults as strings: they read the same.)
type cachedSpec struct {
	V int `json:"v"`
	SpecJSON
}

func encodeSpec(s schema.Spec) string {
	b, _ := json.Marshal(cachedSpec{V: specCacheVersion, SpecJSON: NewSpecJSON(s)}) // plain strings and bools: cannot fail
	return string(b)
}

// decodeSpec returns the cached schema, or false when text is empty, of
// another cache version, or not a valid schema.
func decodeSpec(text string) (schema.Spec, bool) {
	var c cachedSpec
	if text == "" || json.Unmarshal([]byte(text), &c) != nil || c.V != specCacheVersion {
		return schema.Spec{}, false
	}
	s := c.Spec()
	if s.Check() != nil {
		return schema.Spec{}, false
	}
	return s, true
}
