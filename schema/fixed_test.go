package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fixedSpec has settings another connector would let a user choose, fixed
// at the one value this connector uses.
func fixedSpec() Spec {
	return Spec{
		Type: "fixed-api", Name: "Fixed API", Version: "1.0.0",
		Fields: []Field{
			{Key: "user", Label: "User", Kind: KindString, Required: true, View: ViewSimple},
			{Key: "method", Label: "Signature method", Kind: KindEnum, Options: []string{"HMAC-SHA1"}, Default: "HMAC-SHA1", Fixed: true, View: ViewHTTP},
			{Key: "records", Label: "Records path", Kind: KindString, Default: "data", Fixed: true, View: ViewHTTP},
			{Key: "status", Label: "Rate limit status", Kind: KindInt, Default: "429", Fixed: true, View: ViewHTTP},
			{Key: "hash", Label: "Body hash", Kind: KindBool, Default: "false", Fixed: true, View: ViewHTTP},
		},
	}
}

// A fixed setting takes its value and nothing else: left out, or given
// as that value, it passes; any other value is refused, naming the
// setting and the value it always has; it is never missing, and the
// defaults give it its value.
func TestFixedFieldsTakeOnlyTheirValue(t *testing.T) {
	s := fixedSpec()
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	user := Config{"user": StringValue("ann")}
	same := with(user, Config{"method": StringValue("HMAC-SHA1"), "records": StringValue("data"), "status": IntValue(429), "hash": BoolValue(false)})
	for name, cfg := range map[string]Config{"left out": user, "given as its value": same} {
		if ds := s.Validate(cfg); len(ds) != 0 {
			t.Errorf("%s: %v", name, ds)
		}
	}
	other := with(user, Config{"method": StringValue("RSA-SHA1"), "records": StringValue("items"), "status": IntValue(420), "hash": BoolValue(true)})
	var got []string
	for _, d := range s.Validate(other) {
		got = append(got, d.Code+" "+d.Error())
	}
	want := []string{
		"not_in_enum method: Signature method has no option \"RSA-SHA1\" (choose one of: HMAC-SHA1)",
		"fixed records: Records path cannot be changed from data (leave it out: Fixed API always uses data)",
		"fixed status: Rate limit status cannot be changed from 429 (leave it out: Fixed API always uses 429)",
		"fixed hash: Body hash cannot be changed from false (leave it out: Fixed API always uses false)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	if m := s.Missing(Config{"user": StringValue("ann")}); len(m) != 0 {
		t.Errorf("Missing: %v", m)
	}
	d := user.WithDefaults(s)
	if d.Text("method") != "HMAC-SHA1" || d.Text("records") != "data" || d.Text("status") != "429" || d.Text("hash") != "false" {
		t.Errorf("WithDefaults: %v", s.Display(d))
	}
}

func TestFixedFieldDefinitions(t *testing.T) {
	for _, tt := range []struct {
		name string
		mod  func(*Field)
		want string
	}{
		{"no value", func(f *Field) { f.Default = "" }, `connector fixed-api: field "records": a fixed field needs its value as its default`},
		{"required", func(f *Field) { f.Required = true }, `connector fixed-api: field "records": a fixed field is never required: its default is its value`},
		{"secret", func(f *Field) { f.Secret = true }, `connector fixed-api: field "records": a secret field cannot have a default`},
	} {
		s := fixedSpec()
		s.Fields = append([]Field(nil), s.Fields...)
		tt.mod(&s.Fields[2])
		if err := s.Check(); err == nil || err.Error() != tt.want {
			t.Errorf("%s: Check() = %v, want %q", tt.name, err, tt.want)
		}
	}
}
