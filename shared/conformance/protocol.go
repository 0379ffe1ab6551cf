package conformance

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// checkProtocol: for a started plugin, the handshake agreed on this
// contract's protocol version and GetSchema answers, in time, what it
// answered at start; for a connector in this process, its schema crosses
// the contract's gRPC adapters unchanged.
func (s *suite) checkProtocol() error {
	if err := s.needSpec(); err != nil {
		return err
	}
	if p := s.plugin; p != nil {
		if p.Protocol != shared.ProtocolVersion {
			return fmt.Errorf("the handshake agreed on plugin protocol %d, but this contract is protocol %d", p.Protocol, shared.ProtocolVersion)
		}
		if d := specDiff(p.Spec, s.spec); d != "" {
			return fmt.Errorf("GetSchema answered another schema than at start: %s", d)
		}
		return nil
	}
	wire, stop, err := overGRPC(s.c)
	if err != nil {
		return fmt.Errorf("serving the connector over gRPC: %v", err)
	}
	defer stop()
	spec, err := within(s, s.o.timeout(), func(ctx context.Context) (schema.Spec, error) { return wire.GetSchema(ctx) })
	switch {
	case errors.Is(err, errHung):
		return s.hung("GetSchema over gRPC", s.o.timeout())
	case err != nil:
		return fmt.Errorf("GetSchema over gRPC failed: %v (a schema must cross the wire: valid UTF-8, known kinds and views)", err)
	}
	if d := specDiff(s.spec, spec); d != "" {
		return fmt.Errorf("the schema changed crossing gRPC: %s", d)
	}
	return nil
}

// overGRPC serves c with the contract's gRPC server adapter on an
// in-memory listener and returns the client adapter connected to it.
func overGRPC(c shared.Connector) (shared.Connector, func(), error) {
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer()
	if err := (&shared.GRPCPlugin{Impl: c}).GRPCServer(nil, srv); err != nil {
		return nil, nil, err
	}
	go func() { _ = srv.Serve(lis) }()
	conn, err := grpc.NewClient("passthrough:///conformance",
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }))
	if err != nil {
		srv.Stop()
		return nil, nil, err
	}
	stop := func() {
		_ = conn.Close()
		srv.Stop()
	}
	raw, err := (&shared.GRPCPlugin{}).GRPCClient(context.Background(), nil, conn)
	if err != nil {
		stop()
		return nil, nil, err
	}
	wire, ok := raw.(shared.Connector)
	if !ok {
		stop()
		return nil, nil, fmt.Errorf("the client adapter is a %T", raw)
	}
	return wire, stop, nil
}

// specDiff says where two schemas differ ("" when they do not). An empty
// list and none are the same: the wire does not tell them apart.
func specDiff(want, got schema.Spec) string {
	if same(want, got) {
		return ""
	}
	wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
	for i := range wv.NumField() {
		name := wv.Type().Field(i).Name
		if name == "Fields" || !wv.Type().Field(i).IsExported() {
			continue
		}
		if !same(wv.Field(i).Interface(), gv.Field(i).Interface()) {
			return fmt.Sprintf("its %s differs", name)
		}
	}
	if len(want.Fields) != len(got.Fields) {
		return fmt.Sprintf("%d fields instead of %d", len(got.Fields), len(want.Fields))
	}
	for i, f := range want.Fields {
		g := got.Fields[i]
		fv, gv := reflect.ValueOf(f), reflect.ValueOf(g)
		for j := range fv.NumField() {
			if !fv.Type().Field(j).IsExported() {
				continue
			}
			if !same(fv.Field(j).Interface(), gv.Field(j).Interface()) {
				return fmt.Sprintf("field %q: its %s differs", f.Key, fv.Type().Field(j).Name)
			}
		}
	}
	return "they differ"
}

// same is reflect.DeepEqual with empty slices and maps equal to nil ones.
func same(a, b any) bool {
	return reflect.DeepEqual(normalized(reflect.ValueOf(a)), normalized(reflect.ValueOf(b)))
}

// normalized returns a copy of v in which every empty slice or map is nil.
func normalized(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	return normalize(v).Interface()
}

func normalize(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Slice:
		if v.Len() == 0 {
			return reflect.Zero(v.Type())
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(normalize(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.Len() == 0 {
			return reflect.Zero(v.Type())
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), normalize(it.Value()))
		}
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(normalize(v.Field(i)))
			}
		}
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(normalize(v.Elem()))
		return out
	}
	return v
}
