package shared

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-plugin/runner"
	"google.golang.org/grpc"

	"github.com/openintegrator/integrator/schema"
)

// DefaultStartTimeout bounds how long a plugin may take to print its
// handshake line, and then to answer GetSchema.
const DefaultStartTimeout = 10 * time.Second

// ErrChecksumMismatch is wrapped by Start's error when the binary's SHA-256
// is not ClientOptions.Checksum: the file is not the one the host checked.
var ErrChecksumMismatch = plugin.ErrChecksumsDoNotMatch

// PluginProcs is the GOMAXPROCS a plugin runs with unless the host's
// ClientOptions.Env says otherwise. A connector plugin relays API calls:
// per call it does well under a millisecond of CPU work (signing, encoding,
// TLS), for APIs that allow tens of requests a second (the X Ads API: 450
// writes a minute, 10,000 entity reads per account in 15 minutes), so one
// thread running Go code at a time is thousands of calls a second. More
// cost more: with an idle processor, each hand-over between goroutines
// (gRPC's reader, the call, gRPC's writer, net/http's loops) wakes another
// OS thread, which on a small machine competes with the host for the same
// cores. Measured on 2 vCPUs (docs/benchmarks.md): with 1 instead of 2, a
// small call through the plugin added about 40% less time and cost the
// plugin about 40% less CPU.
const PluginProcs = 1

// ClientOptions configures how a host starts a plugin.
type ClientOptions struct {
	// Logger receives go-plugin's own log and the plugin's log lines.
	Logger hclog.Logger
	// Env is the plugin's whole environment: the host's own environment is
	// never passed on. Include LogLevelEnv to set the plugin's log level.
	// Unless Env sets GOMAXPROCS, the plugin runs with GOMAXPROCS=1 (see
	// PluginProcs).
	Env []string
	// StartTimeout bounds the handshake, and then GetSchema; 0 means
	// DefaultStartTimeout.
	StartTimeout time.Duration
	// Checksum, when set, is the SHA-256 the binary must have; a binary that
	// differs is not started. Every start hashes the file afresh.
	Checksum []byte
	// Stderr receives everything the plugin writes to stderr, log lines
	// included, a line at a time.
	Stderr io.Writer
	// Argv0 is the program name the plugin is started with (what ps
	// shows), when it runs from another path than the one the user knows
	// it by, such as a verified copy. "" means the path.
	Argv0 string
	// SocketDir is a private folder (0700) in which each plugin process
	// gets a folder of its own (0700) for its Unix socket, removed when
	// the process is stopped. "" means os.TempDir().
	SocketDir string
}

func (o ClientOptions) startTimeout() time.Duration {
	if o.StartTimeout > 0 {
		return o.StartTimeout
	}
	return DefaultStartTimeout
}

// NewClient returns a go-plugin client for the plugin binary at path. Every
// call builds a fresh ClientConfig and exec.Cmd: go-plugin can use neither
// twice. The client speaks gRPC only, with mutual TLS, and the plugin gets
// only the environment in o.Env. The plugin runs in a process group of its
// own, which is killed when the plugin exits or is stopped (see procRunner).
//
// On Linux the plugin gets SIGKILL when the OS thread that starts it ends
// (the parent-death signal belongs to a thread, not a process). Start keeps
// that thread for as long as the plugin runs; a caller that starts the
// client itself must do the same (runtime.LockOSThread until the plugin has
// exited) or accept that the plugin may be killed early.
func NewClient(path string, o ClientOptions) *plugin.Client {
	c, _ := newClient(context.Background(), path, o)
	return c
}

// newClient builds the client; ending ctx kills the process and its group.
func newClient(ctx context.Context, path string, o ClientOptions) (*plugin.Client, *exec.Cmd) {
	cmd := exec.CommandContext(ctx, path)
	if o.Argv0 != "" {
		cmd.Args[0] = o.Argv0
	}
	cmd.Env = append([]string(nil), o.Env...)
	if !slices.ContainsFunc(cmd.Env, func(kv string) bool { return strings.HasPrefix(kv, "GOMAXPROCS=") }) {
		cmd.Env = append(cmd.Env, "GOMAXPROCS="+strconv.Itoa(PluginProcs))
	}
	setProcAttrs(cmd)
	r := newProcRunner(cmd, o.Checksum)
	logger := o.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	cfg := &plugin.ClientConfig{
		HandshakeConfig:  Handshake,
		VersionedPlugins: VersionedPlugins(nil),
		RunnerFunc: func(l hclog.Logger, spec *exec.Cmd, socketDir string) (runner.Runner, error) {
			return r.attach(spec, socketDir, l)
		},
		// go-plugin makes the socket folder (0700) inside TempDir, tells the
		// plugin through PLUGIN_UNIX_SOCKET_DIR and removes it on Kill.
		UnixSocketConfig: &plugin.UnixSocketConfig{TempDir: o.SocketDir},
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		SkipHostEnv:      true,
		StartTimeout:     o.startTimeout(),
		Logger:           logger,
		Stderr:           o.Stderr,
		GRPCDialOptions:  dialOptions(),
	}
	return plugin.NewClient(cfg), cmd
}

// dialOptions are the host's gRPC options on top of go-plugin's: the
// message size limits, set on purpose, and the codec for body chunks.
func dialOptions() []grpc.DialOption {
	return []grpc.DialOption{grpc.WithDefaultCallOptions(
		grpc.MaxCallRecvMsgSize(maxMessage), grpc.MaxCallSendMsgSize(maxMessage),
		grpc.ForceCodecV2(codec{})),
		grpc.WithInitialWindowSize(streamWindow), grpc.WithInitialConnWindowSize(connWindow)}
}

// Instance is a running plugin process and the Connector it serves.
type Instance struct {
	Connector
	// Spec is what the plugin answered to GetSchema at start.
	Spec schema.Spec
	// Protocol is the plugin protocol version the handshake agreed on.
	Protocol int

	client *plugin.Client
	cmd    *exec.Cmd
	pid    int

	kick     chan struct{} // closed by Close to wake the exit watcher
	release  func()        // ends the process's context, once it has exited
	kickOnce sync.Once
	done     chan struct{} // closed once the process has exited
	status   string        // how it exited; set before done is closed
}

// exitPoll is how often an instance checks whether its process exited.
// go-plugin notices the exit at once but offers no channel for it.
const exitPoll = 50 * time.Millisecond

// Start runs the plugin binary at path, completes the handshake, and calls
// GetSchema to prove that the binary speaks this protocol (dispensing alone
// makes no call). The spec is checked for consistency. On any failure the
// process is stopped and the error says what went wrong.
//
// Start never leaves a process behind: when it returns an error, the
// process it started has exited. ctx bounds the whole start: the handshake
// (bounded by o.StartTimeout too) and GetSchema. When ctx ends first, the
// process is killed and Start returns ctx's error.
func Start(ctx context.Context, path string, o ClientOptions) (*Instance, error) {
	type result struct {
		inst *Instance
		err  error
	}
	// go-plugin's handshake does not watch ctx, so the process gets a
	// context of its own (exec.CommandContext), ended when ctx ends while
	// Start runs: the process is killed and the handshake ends at once.
	procCtx, kill := context.WithCancel(context.Background())
	unwatch := context.AfterFunc(ctx, kill)
	res := make(chan result, 1)
	go func() {
		// The parent-death signal (Linux) fires when the thread that forked
		// the plugin ends, and Go ends a thread only when a goroutine locked
		// to it exits. Locking this goroutine until the plugin has exited
		// makes "the plugin dies with the host" exact.
		runtime.LockOSThread()
		c, cmd := newClient(procCtx, path, o)
		inst, err := dispense(ctx, c, o.startTimeout())
		if err != nil {
			c.Kill() // returns once the process, if any, has been reaped
			runtime.UnlockOSThread()
			res <- result{err: err}
			return
		}
		inst.cmd = cmd
		inst.pid = cmd.Process.Pid
		inst.kick = make(chan struct{})
		inst.done = make(chan struct{})
		res <- result{inst: inst}
		inst.watch()
		runtime.UnlockOSThread()
	}()
	r := <-res
	if !unwatch() && r.err == nil { // ctx ended just as the start succeeded
		r.inst.Close()
		r.err = errors.New("the plugin was stopped as it started")
	}
	if r.err != nil {
		kill()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("starting the plugin: %w", context.Cause(ctx))
		}
		return nil, r.err
	}
	r.inst.release = kill
	return r.inst, nil
}

func dispense(ctx context.Context, c *plugin.Client, timeout time.Duration) (*Instance, error) {
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
	sctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	spec, err := conn.GetSchema(sctx)
	if err != nil {
		if sctx.Err() != nil && ctx.Err() == nil {
			return nil, fmt.Errorf("the plugin did not answer GetSchema within %s", timeout)
		}
		return nil, fmt.Errorf("asking the plugin for its schema: %w", err)
	}
	if err := spec.Check(); err != nil {
		return nil, fmt.Errorf("the plugin's schema is invalid: %w", err)
	}
	return &Instance{Connector: conn, Spec: spec, Protocol: c.NegotiatedVersion(), client: c}, nil
}

// watch waits for the process to exit, records how, and closes done.
func (i *Instance) watch() {
	t := time.NewTicker(exitPoll)
	defer t.Stop()
	kick := i.kick
	for !i.client.Exited() {
		select {
		case <-t.C:
		case <-kick: // Close has killed the process and waited for it
			kick = nil
		}
	}
	// go-plugin sets Exited after exec.Cmd.Wait returned, under its lock,
	// which Exited takes too: ProcessState is safe to read now.
	if ps := i.cmd.ProcessState; ps != nil {
		i.status = ps.String()
	} else {
		i.status = "exited"
	}
	close(i.done)
}

// Pid is the plugin's process id.
func (i *Instance) Pid() int { return i.pid }

// Exited reports whether the plugin process has exited.
func (i *Instance) Exited() bool { return i.client.Exited() }

// Done is closed once the plugin process has exited, for whatever reason.
func (i *Instance) Done() <-chan struct{} { return i.done }

// ExitStatus says how the process ended ("exit status 2", "signal:
// killed"). It is "" until Done is closed.
func (i *Instance) ExitStatus() string {
	select {
	case <-i.done:
		return i.status
	default:
		return ""
	}
}

// Close stops the plugin process, gracefully first, and returns once it has
// exited. It may be called more than once, from any goroutine.
func (i *Instance) Close() {
	i.client.Kill()
	i.kickOnce.Do(func() { close(i.kick) })
	<-i.done
	if i.release != nil {
		i.release()
	}
}
