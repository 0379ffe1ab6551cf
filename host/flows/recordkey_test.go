package flows

import (
	"strings"
	"testing"
)

func TestCanonical(t *testing.T) {
	for in, want := range map[string]string{
		`{ "b" : 1, "a" : [ true, null, {"z":"x","y":2.50} ] }`: `{"a":[true,null,{"y":2.50,"z":"x"}],"b":1}`,
		`{"s":"\u0041\u00e9<&>\/\n"}`:                           `{"s":"Aé<&>/\n"}`,
		`{"é":1,"e":2,"E":3}`:                                   `{"E":3,"e":2,"é":1}`,
		`{"n":1e3,"m":-0}`:                                      `{"m":-0,"n":1e3}`,
		`{}`:                                                    `{}`,
	} {
		got, err := canonical([]byte(in))
		if err != nil || string(got) != want {
			t.Errorf("%s: %s %v, want %s", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		`{"a":1,"a":2}`:         `field "a" appears twice`,
		`{"a":{"b":1,"b":1}}`:   `field "a.b" appears twice`,
		`{"a":[{"c":1,"c":2}]}`: `field "a[0].c" appears twice`,
		`{"a":1} {"b":2}`:       "more than one JSON value",
		`{"a":`:                 "not JSON",
	} {
		if _, err := canonical([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
}

func TestCheckText(t *testing.T) {
	for _, ok := range []string{`{"a":"\ud83d\ude00"}`, `{"a":"\\ud800"}`, `{"a":"plain é"}`} {
		if err := checkText([]byte(ok)); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for in, want := range map[string]string{
		"{\"a\":\"\xc3\"}":     "byte 7 is 0xc3",
		`{"a":"\ud800"}`:       `\ud800`,
		`{"a":"\ude00"}`:       `\ude00`,
		`{"a":"\ud800\u0041"}`: `\ud800`,
	} {
		if err := checkText([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}
