package shared

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/openintegrator/integrator/schema"
	pb "github.com/openintegrator/integrator/shared/proto/connectorv1"
)

func int64p(i int64) *int64 { return &i }

// formSpec uses every part of a spec a form needs: sections, conditions on
// an enum and on a bool, ranges, a key/value list, a fixed field; and a
// conversion whose settings come each of the three ways.
func formSpec() schema.Spec {
	return schema.Spec{
		Type: "form-api", Name: "Form API", Description: "a form", Version: "2.0.0",
		Sections: []schema.Section{
			{Key: "app", Title: "Application", Help: "Where the API is."},
			{Key: "limits", Title: "Limits", Help: "How hard to push.", Advanced: true},
		},
		Fields: []schema.Field{
			{Key: "headers", Label: "Headers", Help: "Sent with every request.", Kind: schema.KindKeyValues, View: schema.ViewSimple, Section: "app"},
			{Key: "method", Label: "Method", Kind: schema.KindEnum, Options: []string{"HMAC-SHA1", "RSA-SHA1"}, Required: true,
				View: schema.ViewSimple, Section: "app"},
			{Key: "private_key", Label: "Private key", Kind: schema.KindText, Secret: true, Required: true, View: schema.ViewSimple,
				Section: "app", ShowWhen: &schema.Condition{Field: "method", Values: []string{"RSA-SHA1"}}},
			{Key: "fast", Label: "Fast", Kind: schema.KindBool, Default: "false", View: schema.ViewHTTP, Section: "limits"},
			{Key: "concurrency", Label: "Concurrency", Kind: schema.KindInt, Default: "4", Min: int64p(1), Max: int64p(25),
				View: schema.ViewHTTP, Section: "limits", ShowWhen: &schema.Condition{Field: "fast", Values: []string{"true"}}},
			{Key: "floor", Label: "Floor", Kind: schema.KindInt, Min: int64p(-3), View: schema.ViewHTTP, Section: "limits"},
			{Key: "ceiling", Label: "Ceiling", Kind: schema.KindInt, Max: int64p(0), View: schema.ViewHTTP, Section: "limits"},
			{Key: "paging", Label: "Paging", Kind: schema.KindEnum, Options: []string{"cursor"}, Default: "cursor", Fixed: true,
				View: schema.ViewHTTP, Section: "limits"},
		},
		Conversions: []schema.Conversion{{
			To: "generic-api",
			Settings: []schema.Mapping{
				{Key: "method", From: "method"},
				{Key: "paging", Value: "cursor"},
				{Key: "base_uri", Template: "https://{method}.example.com/{{v}}"},
			},
			Notes: []string{"Fast is not carried over."},
		}},
	}
}

func TestFormSpecCrossesTheWire(t *testing.T) {
	if err := formSpec().Check(); err != nil {
		t.Fatal(err)
	}
	eachTransport(t, func(t *testing.T, connect func(*testing.T, Connector) Connector) {
		conn := connect(t, &fakeConnector{spec: formSpec()})
		got, err := conn.GetSchema(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(formSpec(), got); diff != "" {
			t.Errorf("spec (-want +got):\n%s", diff)
		}
	})
}

// Every field of the schema messages is filled by the conversion of a spec
// that uses every feature: a field added to the proto without a
// conversion fails here.
func TestSpecConversionCoversEveryProtoField(t *testing.T) {
	m := specToProto(formSpec())
	seen := map[protoreflect.FullName]bool{}
	var walk func(protoreflect.Message)
	walk = func(msg protoreflect.Message) {
		msg.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			seen[fd.FullName()] = true
			switch {
			case fd.IsList() && fd.Message() != nil:
				for i := 0; i < v.List().Len(); i++ {
					walk(v.List().Get(i).Message())
				}
			case fd.Message() != nil && !fd.IsMap():
				walk(v.Message())
			}
			return true
		})
	}
	walk(m.ProtoReflect())
	for _, msg := range []proto.Message{&pb.Spec{}, &pb.Field{}, &pb.Section{}, &pb.Condition{}, &pb.Conversion{}, &pb.Mapping{}} {
		fields := msg.ProtoReflect().Descriptor().Fields()
		for i := 0; i < fields.Len(); i++ {
			if fd := fields.Get(i); !seen[fd.FullName()] {
				t.Errorf("%s is never set by specToProto", fd.FullName())
			}
		}
	}
	if back := specFromProto(m); !cmp.Equal(formSpec(), back) {
		t.Errorf("specFromProto(specToProto(s)) differs:\n%s", cmp.Diff(formSpec(), back))
	}
}

// A key/value list reaches the plugin whole: every entry in order, secret
// flags and values included (the channel is the mTLS one secrets use).
func TestKeyValuesCrossTheWire(t *testing.T) {
	entries := []schema.KV{
		{Name: "Accept", Value: "application/json"},
		{Name: "X-Api-Key", Value: "k3y-value-0f-the-api", Secret: true},
		{Name: "X-Empty", Value: ""},
		{Name: "Accept", Value: "text/csv"},
	}
	cfg := schema.Config{"headers": schema.KeyValuesValue(entries), "none": schema.KeyValuesValue(nil), "s": schema.StringValue("x")}
	eachTransport(t, func(t *testing.T, connect func(*testing.T, Connector) Connector) {
		impl := &fakeConnector{}
		conn := connect(t, impl)
		if _, err := conn.Validate(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
		got, ok := impl.gotCfg["headers"].Entries()
		if !ok || !cmp.Equal(entries, got) {
			t.Errorf("entries at the plugin: %+v, want %+v", got, entries)
		}
		if none, ok := impl.gotCfg["none"].Entries(); !ok || len(none) != 0 {
			t.Errorf("an empty list at the plugin: %v %v", none, ok)
		}
		if impl.gotCfg.Text("s") != "x" {
			t.Errorf("a string beside the lists: %q", impl.gotCfg.Text("s"))
		}
	})
}
