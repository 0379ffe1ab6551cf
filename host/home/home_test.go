package home

import "testing"

func TestDir(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"INTEGRATOR_HOME": "/srv/int", "XDG_DATA_HOME": "/x", "HOME": "/h"}, "/srv/int"},
		{map[string]string{"XDG_DATA_HOME": "/x", "HOME": "/h"}, "/x/integrator"},
		{map[string]string{"XDG_DATA_HOME": "relative", "HOME": "/h"}, "/h/.local/share/integrator"},
		{map[string]string{"HOME": "/h"}, "/h/.local/share/integrator"},
	}
	for _, tt := range tests {
		got, err := Dir(func(k string) string { return tt.env[k] })
		if err != nil || got != tt.want {
			t.Errorf("Dir(%v) = %q, %v; want %q", tt.env, got, err, tt.want)
		}
	}
}
