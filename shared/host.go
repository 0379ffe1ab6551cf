package shared

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os/exec"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/openintegrator/integrator/schema"
)

// DefaultStartTimeout bounds how long a plugin may take to print its
// handshake line.
const DefaultStartTimeout = 10 * time.Second

// ClientOptions configures how a host starts a plugin.
type ClientOptions struct {
	// Logger receives go-plugin's own log and the plugin's log lines.
	Logger hclog.Logger
	// Env is the plugin's whole environment: the host's own environment is
	// never passed on. Include LogLevelEnv to set the plugin's log level.
	Env []string
	// StartTimeout bounds the handshake; 0 means DefaultStartTimeout.
	StartTimeout time.Duration
	// Checksum, when set, is the SHA-256 the binary must have; a binary that
	// differs is not started.
	Checksum []byte
	// Stderr receives what the plugin writes to stderr that is not a log line.
	Stderr io.Writer
}

// NewClient returns a go-plugin client for the plugin binary at path. Every
// call builds a fresh ClientConfig and exec.Cmd: go-plugin can use neither
// twice. The client speaks gRPC only, with mutual TLS, and the plugin gets
// only the environment in o.Env.
func NewClient(path string, o ClientOptions) *plugin.Client {
	cmd := exec.Command(path)
	cmd.Env = append([]string(nil), o.Env...)
	logger := o.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	timeout := o.StartTimeout
	if timeout == 0 {
		timeout = DefaultStartTimeout
	}
	cfg := &plugin.ClientConfig{
		HandshakeConfig:  Handshake,
		VersionedPlugins: VersionedPlugins(nil),
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		SkipHostEnv:      true,
		StartTimeout:     timeout,
		Logger:           logger,
		Stderr:           o.Stderr,
		GRPCDialOptions: []grpc.DialOption{grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(maxMessage), grpc.MaxCallSendMsgSize(maxMessage))},
	}
	if o.Checksum != nil {
		cfg.SecureConfig = &plugin.SecureConfig{Checksum: o.Checksum, Hash: sha256.New()}
	}
	return plugin.NewClient(cfg)
}

// Instance is a running plugin process and the Connector it serves.
type Instance struct {
	Connector
	// Spec is what the plugin answered to GetSchema at start.
	Spec   schema.Spec
	client *plugin.Client
}

// Start runs the plugin binary at path, completes the handshake, and calls
// GetSchema to prove that the binary speaks this protocol (dispensing alone
// makes no call). The spec is checked for consistency. On any failure the
// process is stopped and the error says what went wrong.
func Start(ctx context.Context, path string, o ClientOptions) (*Instance, error) {
	c := NewClient(path, o)
	inst, err := dispense(ctx, c)
	if err != nil {
		c.Kill()
		return nil, err
	}
	return inst, nil
}

func dispense(ctx context.Context, c *plugin.Client) (*Instance, error) {
	rpc, err := c.Client()
	if err != nil {
		return nil, fmt.Errorf("starting plugin: %w", err)
	}
	if v := c.NegotiatedVersion(); v != ProtocolVersion {
		return nil, fmt.Errorf("plugin speaks protocol %d; this host speaks %d", v, ProtocolVersion)
	}
	raw, err := rpc.Dispense(PluginName)
	if err != nil {
		return nil, fmt.Errorf("plugin has no %q service: %w", PluginName, err)
	}
	conn, ok := raw.(Connector)
	if !ok {
		return nil, fmt.Errorf("plugin served %T, not a connector", raw)
	}
	spec, err := conn.GetSchema(ctx)
	if err != nil {
		return nil, fmt.Errorf("asking the plugin for its schema: %w", err)
	}
	if err := spec.Check(); err != nil {
		return nil, fmt.Errorf("the plugin's schema is invalid: %w", err)
	}
	return &Instance{Connector: conn, Spec: spec, client: c}, nil
}

// Exited reports whether the plugin process has exited.
func (i *Instance) Exited() bool { return i.client.Exited() }

// Close stops the plugin process, gracefully first.
func (i *Instance) Close() { i.client.Kill() }
