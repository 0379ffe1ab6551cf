package httpconn

import "testing"

func TestValueAt(t *testing.T) {
	body := []byte(`{"ok":true,"n":12.50,"s":"yes","none":null,"data":[{"id":"a1"},{"id":7}],"obj":{"k":["x"]}}`)
	for _, tt := range []struct {
		path, want string
		ok         bool
	}{
		{"ok", "true", true},
		{"$.ok", "true", true},
		{"n", "12.50", true}, // as written
		{"s", "yes", true},
		{"none", "null", true},
		{"data.0.id", "a1", true},
		{"data.1.id", "7", true},
		{"obj.k", `["x"]`, true},
		{"obj", `{"k":["x"]}`, true},
		{"missing", "", false},
		{"data.2.id", "", false},
		{"data.-1", "", false},
		{"data.x", "", false},
		{"s.deeper", "", false},
	} {
		if got, ok := ValueAt(body, tt.path); got != tt.want || ok != tt.ok {
			t.Errorf("%s: %q %v, want %q %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
	if _, ok := ValueAt([]byte("not json"), "ok"); ok {
		t.Error("a body that is not JSON has a value")
	}
}
