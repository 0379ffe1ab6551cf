package shared

import (
	"github.com/openintegrator/integrator/schema"
	pb "github.com/openintegrator/integrator/shared/proto/connectorv1"
)

var kindToProto = map[schema.Kind]pb.Kind{
	schema.KindString: pb.Kind_KIND_STRING,
	schema.KindText:   pb.Kind_KIND_TEXT,
	schema.KindBool:   pb.Kind_KIND_BOOL,
	schema.KindInt:    pb.Kind_KIND_INT,
	schema.KindEnum:   pb.Kind_KIND_ENUM,
	schema.KindURL:    pb.Kind_KIND_URL,

	schema.KindKeyValues: pb.Kind_KIND_KEY_VALUES,
}

var viewToProto = map[schema.View]pb.View{
	schema.ViewSimple: pb.View_VIEW_SIMPLE,
	schema.ViewHTTP:   pb.View_VIEW_HTTP,
}

var severityToProto = map[schema.Severity]pb.Severity{
	schema.SeverityError:   pb.Severity_SEVERITY_ERROR,
	schema.SeverityWarning: pb.Severity_SEVERITY_WARNING,
}

// reverse inverts a one-to-one map.
func reverse[K, V comparable](m map[K]V) map[V]K {
	out := make(map[V]K, len(m))
	for k, v := range m {
		out[v] = k
	}
	return out
}

var (
	kindFromProto     = reverse(kindToProto)
	viewFromProto     = reverse(viewToProto)
	severityFromProto = reverse(severityToProto)
)

func specToProto(s schema.Spec) *pb.Spec {
	out := &pb.Spec{Type: s.Type, Name: s.Name, Description: s.Description, Version: s.Version}
	for _, sec := range s.Sections {
		out.Sections = append(out.Sections, &pb.Section{Key: sec.Key, Title: sec.Title, Help: sec.Help, Advanced: sec.Advanced})
	}
	for _, f := range s.Fields {
		pf := &pb.Field{
			Key: f.Key, Label: f.Label, Help: f.Help, Kind: kindToProto[f.Kind],
			Required: f.Required, Secret: f.Secret, Default: f.Default,
			Options: f.Options, View: viewToProto[f.View], Section: f.Section,
			Min: f.Min, Max: f.Max, Fixed: f.Fixed,
		}
		if c := f.ShowWhen; c != nil {
			pf.ShowWhen = &pb.Condition{Field: c.Field, Values: c.Values}
		}
		out.Fields = append(out.Fields, pf)
	}
	for _, c := range s.Conversions {
		pc := &pb.Conversion{To: c.To, Notes: c.Notes}
		for _, m := range c.Settings {
			pc.Settings = append(pc.Settings, &pb.Mapping{Key: m.Key, From: m.From, Value: m.Value, Template: m.Template})
		}
		out.Conversions = append(out.Conversions, pc)
	}
	return out
}

// specFromProto converts a spec from the wire. Unknown enum numbers from a
// newer peer become empty kinds and views, which Spec.Check rejects. A
// spec from a peer built before sections, conditions, ranges, fixed fields
// and conversions has none.
func specFromProto(s *pb.Spec) schema.Spec {
	out := schema.Spec{
		Type: s.GetType(), Name: s.GetName(), Description: s.GetDescription(), Version: s.GetVersion(),
	}
	for _, sec := range s.GetSections() {
		out.Sections = append(out.Sections, schema.Section{Key: sec.GetKey(), Title: sec.GetTitle(), Help: sec.GetHelp(), Advanced: sec.GetAdvanced()})
	}
	for _, f := range s.GetFields() {
		fd := schema.Field{
			Key: f.GetKey(), Label: f.GetLabel(), Help: f.GetHelp(), Kind: kindFromProto[f.GetKind()],
			Required: f.GetRequired(), Secret: f.GetSecret(), Default: f.GetDefault(),
			Options: f.GetOptions(), View: viewFromProto[f.GetView()], Section: f.GetSection(),
			Fixed: f.GetFixed(),
		}
		if c := f.GetShowWhen(); c != nil {
			fd.ShowWhen = &schema.Condition{Field: c.GetField(), Values: c.GetValues()}
		}
		if f.Min != nil {
			fd.Min = new(f.GetMin())
		}
		if f.Max != nil {
			fd.Max = new(f.GetMax())
		}
		out.Fields = append(out.Fields, fd)
	}
	for _, c := range s.GetConversions() {
		sc := schema.Conversion{To: c.GetTo(), Notes: c.GetNotes()}
		for _, m := range c.GetSettings() {
			sc.Settings = append(sc.Settings, schema.Mapping{Key: m.GetKey(), From: m.GetFrom(), Value: m.GetValue(), Template: m.GetTemplate()})
		}
		out.Conversions = append(out.Conversions, sc)
	}
	return out
}

func configToProto(c schema.Config) *pb.Config {
	out := &pb.Config{Values: make(map[string]*pb.Value, len(c))}
	for k, v := range c {
		switch v.Type() {
		case schema.String:
			s, _ := v.Str()
			out.Values[k] = &pb.Value{Kind: &pb.Value_StringValue{StringValue: s}}
		case schema.Bool:
			b, _ := v.BoolVal()
			out.Values[k] = &pb.Value{Kind: &pb.Value_BoolValue{BoolValue: b}}
		case schema.Int:
			i, _ := v.IntVal()
			out.Values[k] = &pb.Value{Kind: &pb.Value_IntValue{IntValue: i}}
		case schema.KeyValues:
			entries, _ := v.Entries()
			list := &pb.KeyValues{Entries: make([]*pb.KeyValue, 0, len(entries))}
			for _, e := range entries {
				list.Entries = append(list.Entries, &pb.KeyValue{Name: e.Name, Value: e.Value, Secret: e.Secret})
			}
			out.Values[k] = &pb.Value{Kind: &pb.Value_KeyValues{KeyValues: list}}
		default:
			out.Values[k] = &pb.Value{}
		}
	}
	return out
}

func configFromProto(c *pb.Config) schema.Config {
	out := make(schema.Config, len(c.GetValues()))
	for k, v := range c.GetValues() {
		switch x := v.GetKind().(type) {
		case *pb.Value_StringValue:
			out[k] = schema.StringValue(x.StringValue)
		case *pb.Value_BoolValue:
			out[k] = schema.BoolValue(x.BoolValue)
		case *pb.Value_IntValue:
			out[k] = schema.IntValue(x.IntValue)
		case *pb.Value_KeyValues:
			entries := make([]schema.KV, 0, len(x.KeyValues.GetEntries()))
			for _, e := range x.KeyValues.GetEntries() {
				entries = append(entries, schema.KV{Name: e.GetName(), Value: e.GetValue(), Secret: e.GetSecret()})
			}
			out[k] = schema.KeyValuesValue(entries)
		default:
			out[k] = schema.Value{}
		}
	}
	return out
}

func diagnosticsToProto(ds schema.Diagnostics) []*pb.Diagnostic {
	out := make([]*pb.Diagnostic, 0, len(ds))
	for _, d := range ds {
		out = append(out, &pb.Diagnostic{
			Severity: severityToProto[d.Severity], Field: d.Field, Code: d.Code, Summary: d.Summary, Detail: d.Detail,
		})
	}
	return out
}

// diagnosticsFromProto converts diagnostics from the wire. A severity this
// side does not know is treated as an error: failing safe beats ignoring it.
func diagnosticsFromProto(ds []*pb.Diagnostic) schema.Diagnostics {
	if len(ds) == 0 {
		return nil
	}
	out := make(schema.Diagnostics, 0, len(ds))
	for _, d := range ds {
		sev, ok := severityFromProto[d.GetSeverity()]
		if !ok {
			sev = schema.SeverityError
		}
		out = append(out, schema.Diagnostic{
			Severity: sev, Field: d.GetField(), Code: d.GetCode(), Summary: d.GetSummary(), Detail: d.GetDetail(),
		})
	}
	return out
}
