package schema

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sourceSpec is a connector with a fixed-method signer, a version in its
// paths, and a conversion to the generic target of targetSpec.
func sourceSpec() Spec {
	return Spec{
		Type: "ads", Name: "Ads", Version: "1.0.0",
		Fields: []Field{
			{Key: "key", Label: "Key", Kind: KindString, Required: true, View: ViewSimple},
			{Key: "secret", Label: "Secret", Kind: KindString, Required: true, Secret: true, View: ViewSimple},
			{Key: "base_uri", Label: "Base URI", Kind: KindURL, Default: "https://ads.example.com", View: ViewHTTP},
			{Key: "api_version", Label: "API version", Kind: KindString, Default: "12", View: ViewHTTP},
			{Key: "account", Label: "Account", Kind: KindString, View: ViewHTTP},
			{Key: "method", Label: "Method", Kind: KindEnum, Options: []string{"HMAC-SHA1"}, Default: "HMAC-SHA1", Fixed: true, View: ViewHTTP},
			{Key: "status", Label: "Status", Kind: KindString, Default: "429", Fixed: true, View: ViewHTTP},
		},
		Conversions: []Conversion{{
			To: "generic",
			Settings: []Mapping{
				{Key: "base_uri", Template: "{base_uri}/{api_version}"},
				{Key: "method", From: "method"},
				{Key: "consumer_key", From: "key"},
				{Key: "consumer_secret", From: "secret"},
				{Key: "account", From: "account"},
				{Key: "ping_path", Value: "accounts"},
				{Key: "rate_limit_status", From: "status"}, // text to int
				{Key: "body_hash", Value: "false"},
			},
			Notes: []string{"Paths are relative to the base URI, which holds the version."},
		}},
	}
}

func targetSpec() Spec {
	return Spec{
		Type: "generic", Name: "Generic", Version: "2.0.0",
		Fields: []Field{
			{Key: "base_uri", Label: "Base URI", Kind: KindURL, Required: true, View: ViewSimple},
			{Key: "method", Label: "Method", Kind: KindEnum, Options: []string{"HMAC-SHA1", "RSA-SHA1"}, Required: true, View: ViewSimple},
			{Key: "consumer_key", Label: "Consumer key", Kind: KindString, Required: true, View: ViewSimple},
			{Key: "consumer_secret", Label: "Consumer secret", Kind: KindString, Secret: true, View: ViewSimple},
			{Key: "account", Label: "Account", Kind: KindString, View: ViewHTTP},
			{Key: "ping_path", Label: "Test path", Kind: KindString, View: ViewHTTP},
			{Key: "rate_limit_status", Label: "Rate limit status", Kind: KindInt, Default: "429", View: ViewHTTP},
			{Key: "body_hash", Label: "Body hash", Kind: KindBool, Default: "false", View: ViewHTTP},
			{Key: "timeout", Label: "Timeout", Kind: KindInt, Default: "60", View: ViewHTTP},
		},
	}
}

// A conversion builds the target's settings from the declaration:
// templates over values and defaults, fixed values, a value carried as it
// is (a secret too, into a secret setting), converted to the target's
// kinds; a source setting without a value gives none, and the target's
// other settings keep its defaults.
func TestConvert(t *testing.T) {
	src, dst := sourceSpec(), targetSpec()
	for _, s := range []Spec{src, dst} {
		if err := s.Check(); err != nil {
			t.Fatal(err)
		}
	}
	const secret = "s3cr3t-of-the-source"
	got, err := src.Convert(Config{"key": StringValue("ck"), "secret": StringValue(secret), "base_uri": StringValue("http://127.0.0.1:9/")}, dst)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"base_uri": "http://127.0.0.1:9/12", "method": "HMAC-SHA1", "consumer_key": "ck",
		"consumer_secret": Redacted, "ping_path": "accounts", "rate_limit_status": "429", "body_hash": "false"}
	if diff := cmp.Diff(want, dst.Display(got)); diff != "" {
		t.Errorf("converted (-want +got):\n%s", diff)
	}
	if got.Text("consumer_secret") != secret {
		t.Error("the secret was not carried over")
	}
	if n, ok := got["rate_limit_status"].IntVal(); !ok || n != 429 {
		t.Errorf("rate_limit_status is not the int 429: %v", got["rate_limit_status"])
	}
	if ds := dst.Validate(got); len(ds) != 0 {
		t.Errorf("the target refuses the conversion: %v", ds)
	}
	withAccount, _ := src.Convert(Config{"key": StringValue("ck"), "secret": StringValue(secret), "account": StringValue("a1")}, dst)
	if withAccount.Text("account") != "a1" || withAccount.Text("base_uri") != "https://ads.example.com/12" {
		t.Errorf("with an account and the default base URI: %v", dst.Display(withAccount))
	}
	if diff := cmp.Diff([]string{"base_uri", "api_version", "method", "key", "secret", "account", "status"}, src.Conversions[0].Reads()); diff != "" {
		t.Errorf("Reads (-want +got):\n%s", diff)
	}
}

// A conversion that cannot be made is refused, naming settings and never
// a value.
func TestConvertRefusals(t *testing.T) {
	const secret = "4242-s3cr3t-value"
	cfg := Config{"key": StringValue("ck"), "secret": StringValue(secret)}
	for _, tt := range []struct {
		name string
		src  func(*Spec)
		dst  func(*Spec)
		want string
	}{
		{"no conversion to the type", nil, func(d *Spec) { d.Type = "other" }, "ads to other: no conversion declared"},
		{"a setting the target lacks", nil, func(d *Spec) { d.Fields = d.Fields[:len(d.Fields)-2] },
			"Generic has no setting body_hash, which the conversion from Ads gives a value"},
		{"a secret into a setting shown in clear", nil, func(d *Spec) { d.Fields[3].Secret = false },
			"consumer_secret of Generic: secret is secret, and the target would not keep it secret"},
		{"a secret the target kind cannot take", nil, func(d *Spec) { d.Fields[3].Kind = KindInt },
			"consumer_secret of Generic: the value of secret is not a value of kind int"},
		{"a value the target kind cannot take", func(s *Spec) { s.Conversions[0].Settings[7].Value = "maybe" }, nil,
			"body_hash of Generic: body_hash: want true or false"},
	} {
		src, dst := sourceSpec(), targetSpec()
		src.Conversions[0].Settings = append([]Mapping(nil), src.Conversions[0].Settings...)
		dst.Fields = append([]Field(nil), dst.Fields...)
		if tt.src != nil {
			tt.src(&src)
		}
		if tt.dst != nil {
			tt.dst(&dst)
		}
		_, err := src.Convert(cfg, dst)
		if err == nil || err.Error() != tt.want || strings.Contains(err.Error(), secret) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
		if tt.name == "no conversion to the type" && !errors.Is(err, ErrNoConversion) {
			t.Errorf("%v does not wrap ErrNoConversion", err)
		}
	}
}

// Key/value lists are carried whole, their secret entries still secret;
// such a list goes only into a list.
func TestConvertKeyValues(t *testing.T) {
	src := Spec{Type: "a", Name: "A", Version: "1", Fields: []Field{
		{Key: "headers", Label: "Headers", Kind: KindKeyValues, View: ViewHTTP},
	}, Conversions: []Conversion{{To: "b", Settings: []Mapping{{Key: "headers", From: "headers"}}}}}
	dst := Spec{Type: "b", Name: "B", Version: "1", Fields: []Field{{Key: "headers", Label: "Headers", Kind: KindKeyValues, View: ViewHTTP}}}
	list := KeyValuesValue([]KV{{Name: "X-Key", Value: "k3y-value", Secret: true}, {Name: "Accept", Value: "a/b"}})
	got, err := src.Convert(Config{"headers": list}, dst)
	if entries, _ := got["headers"].Entries(); err != nil || len(entries) != 2 || !entries[0].Secret || entries[0].Value != "k3y-value" {
		t.Errorf("list: %+v, %v", entries, err)
	}
	dst.Fields[0].Kind = KindText
	if _, err := src.Convert(Config{"headers": list}, dst); err == nil || strings.Contains(err.Error(), "k3y") {
		t.Errorf("a list with a secret entry into text: %v", err)
	}
}

func TestConversionCheck(t *testing.T) {
	for _, tt := range []struct {
		name string
		mod  func(*Conversion)
		want string
	}{
		{"bad type", func(c *Conversion) { c.To = "Generic!" }, `conversion to "Generic!": want a connector type id`},
		{"own type", func(c *Conversion) { c.To = "ads" }, "conversion to ads: a connection is converted to another type"},
		{"no settings", func(c *Conversion) { c.Settings = nil }, "conversion to generic: no settings"},
		{"twice", func(c *Conversion) { c.Settings = append(c.Settings, c.Settings[0]) }, `conversion to generic: setting "base_uri" given twice`},
		{"no key", func(c *Conversion) { c.Settings[0].Key = "" }, `conversion to generic: setting "": a mapping needs the target's key`},
		{"two ways", func(c *Conversion) { c.Settings[1].Value = "x" }, `conversion to generic: setting "method": give exactly one of a source setting, a value and a template`},
		{"no way", func(c *Conversion) { c.Settings[5].Value = "" }, `conversion to generic: setting "ping_path": give exactly one of a source setting, a value and a template`},
		{"unknown source", func(c *Conversion) { c.Settings[2].From = "nope" }, `conversion to generic: setting "consumer_key": "nope" is not a setting of this connector`},
		{"bad template", func(c *Conversion) { c.Settings[0].Template = "{base_uri" }, `conversion to generic: setting "base_uri": the template "{base_uri" has a { without its }`},
		{"template of an unknown setting", func(c *Conversion) { c.Settings[0].Template = "{host}" },
			`conversion to generic: setting "base_uri": the template names "host", which is not a setting of this connector`},
		{"template of a secret", func(c *Conversion) { c.Settings[0].Template = "{base_uri}?s={secret}" },
			`conversion to generic: setting "base_uri": the template names secret, a secret: only plain settings go into a template`},
	} {
		s := sourceSpec()
		c := s.Conversions[0]
		c.Settings = append([]Mapping(nil), c.Settings...)
		tt.mod(&c)
		s.Conversions = []Conversion{c}
		want := fmt.Sprintf("connector ads: %s", tt.want)
		if err := s.Check(); err == nil || err.Error() != want {
			t.Errorf("%s: Check() = %v\nwant %q", tt.name, err, want)
		}
	}
	s := sourceSpec()
	s.Conversions = append(s.Conversions, s.Conversions[0])
	if err := s.Check(); err == nil || err.Error() != "connector ads: conversion to generic declared twice" {
		t.Errorf("twice: %v", err)
	}
	if got := sourceSpec().ConversionTargets(); !cmp.Equal(got, []string{"generic"}) {
		t.Errorf("ConversionTargets = %v", got)
	}
}
