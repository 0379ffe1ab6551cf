package web

import (
	"reflect"

	"github.com/openintegrator/integrator/schema"
)

// fixedField reports whether f is fixed: its default is its only value,
// which the form shows as text (schema.Field.Fixed). It reads the member
// by name so that the console builds on trees where schema.Field has no
// Fixed yet (branch i13-httpview adds it); once it has, this is f.Fixed.
func fixedField(f schema.Field) bool {
	v := reflect.ValueOf(f).FieldByName("Fixed")
	return v.IsValid() && v.Kind() == reflect.Bool && v.Bool()
}
