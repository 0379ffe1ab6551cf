package shared

import (
	"os"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// LogLevelEnv is the environment variable through which the host tells a
// plugin its log level. Plugin logs reach the host's log at that level.
const LogLevelEnv = "INTEGRATOR_LOG_LEVEL"

// NewPluginLogger returns the logger a plugin main should create before it
// calls Serve: hclog JSON on the process's real standard error (go-plugin
// replaces os.Stderr once serving starts), at the level the host passed in
// LogLevelEnv (default info). The host parses these lines and re-logs them.
func NewPluginLogger(name string) hclog.Logger {
	level := hclog.LevelFromString(os.Getenv(LogLevelEnv))
	if level == hclog.NoLevel {
		level = hclog.Info
	}
	return hclog.New(&hclog.LoggerOptions{
		Name:       name,
		Level:      level,
		Output:     os.Stderr,
		JSONFormat: true,
	})
}

// ServeOpt configures Serve.
type ServeOpt func(*plugin.ServeConfig)

// WithLogger sets the logger go-plugin uses in the plugin process. Pass the
// one from NewPluginLogger.
func WithLogger(l hclog.Logger) ServeOpt {
	return func(c *plugin.ServeConfig) { c.Logger = l }
}

// Serve runs impl as a connector plugin until the host ends it. Call it from
// main and nothing else: the plugin's stdout belongs to the handshake.
//
// Serve also ends the process when its host is gone: a plugin whose parent
// process changes (it was re-parented because the host died without
// stopping it) exits within parentPoll. On Linux the host's parent-death
// signal usually comes first; this watch covers the other systems and the
// cases the signal misses.
//
// A plugin leaves none of its own processes behind: when its host dies,
// and when it stops, it kills its process group and, on Linux, every
// process orphaned below it (see guardTree, which package initialization
// runs in a plugin process).
func Serve(impl Connector, opts ...ServeOpt) {
	go watchParent(parentPoll, func() {
		endTree(true)
		os.Exit(exitOrphaned)
	})
	cfg := &plugin.ServeConfig{
		HandshakeConfig:  Handshake,
		VersionedPlugins: VersionedPlugins(impl),
		GRPCServer:       newGRPCServer,
	}
	for _, o := range opts {
		o(cfg)
	}
	if cfg.Logger == nil {
		cfg.Logger = NewPluginLogger("plugin")
	}
	plugin.Serve(cfg)
	endTreeOnStop()
}

// newGRPCServer sets the message size limits on purpose: requests may carry
// up to MaxRequestBody, and responses are streamed in small chunks. Body
// chunks are encoded by codec, without the generic codec's extra work.
func newGRPCServer(opts []grpc.ServerOption) *grpc.Server {
	return grpc.NewServer(serverOptions(opts)...)
}

// The HTTP/2 flow-control windows of both ends. Setting them turns off
// gRPC's bandwidth estimator, whose pings (one per burst of data received)
// and 64 KiB starting window cost a write and a wake-up on each side of
// nearly every call over a local socket. A stream may have streamWindow
// bytes in flight, which bounds what a slow reader makes the host buffer.
const (
	streamWindow = 1 << 20
	connWindow   = 4 << 20
)

// serverOptions adds the plugin's gRPC options to go-plugin's.
func serverOptions(opts []grpc.ServerOption) []grpc.ServerOption {
	return append(opts, grpc.MaxRecvMsgSize(maxMessage), grpc.MaxSendMsgSize(maxMessage),
		grpc.ForceServerCodecV2(codec{}),
		grpc.InitialWindowSize(streamWindow), grpc.InitialConnWindowSize(connWindow))
}

// parentPoll is how often a plugin checks that its host is still there.
const parentPoll = 500 * time.Millisecond

// exitOrphaned is the exit status of a plugin that outlived its host.
const exitOrphaned = 3

// watchParent calls exit once the parent process id is no longer the one
// the process started with. It never returns otherwise.
func watchParent(every time.Duration, exit func()) {
	ppid := os.Getppid()
	for {
		time.Sleep(every)
		if os.Getppid() != ppid {
			exit()
			return
		}
	}
}
