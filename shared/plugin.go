package shared

import (
	"context"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/openintegrator/integrator/shared/proto/connectorv1"
)

// GRPCPlugin plugs a Connector into go-plugin's gRPC transport. It supports
// gRPC only; the net/rpc side refuses.
type GRPCPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl Connector // set on the plugin side only
}

// GRPCServer registers the Connector service on the plugin's gRPC server.
func (p *GRPCPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	connectorv1.RegisterConnectorServer(s, &server{impl: p.Impl})
	return nil
}

// GRPCClient returns a Connector that calls the plugin over conn.
func (p *GRPCPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, conn *grpc.ClientConn) (any, error) {
	return &client{rpc: connectorv1.NewConnectorClient(conn)}, nil
}

var _ plugin.GRPCPlugin = (*GRPCPlugin)(nil)
