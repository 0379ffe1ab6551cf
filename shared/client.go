package shared

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/openintegrator/integrator/schema"
	pb "github.com/openintegrator/integrator/shared/proto/connectorv1"
)

// ErrPluginUnavailable means the plugin process exited or cannot be reached.
// The host may start it again; go-plugin never does that by itself.
var ErrPluginUnavailable = errors.New("the plugin process is not running or not reachable")

// client adapts the generated gRPC client to Connector.
type client struct {
	rpc pb.ConnectorClient
}

var _ Connector = (*client)(nil)

// callError turns a gRPC error into a Go error that names the call.
func callError(method string, err error) error {
	st, ok := status.FromError(err)
	if !ok {
		return fmt.Errorf("%s: %w", method, err)
	}
	switch st.Code() {
	case codes.Unavailable:
		return fmt.Errorf("%s: %w (%s)", method, ErrPluginUnavailable, st.Message())
	case codes.Canceled:
		return fmt.Errorf("%s: %w", method, context.Canceled)
	case codes.DeadlineExceeded:
		return fmt.Errorf("%s: %w", method, context.DeadlineExceeded)
	case codes.Unimplemented:
		return fmt.Errorf("%s: %w (upgrade the plugin, or it lacks the capability)", method, ErrUnsupported)
	default:
		return fmt.Errorf("%s: plugin error: %s", method, st.Message())
	}
}

func (c *client) GetSchema(ctx context.Context) (schema.Spec, error) {
	resp, err := c.rpc.GetSchema(ctx, &pb.GetSchemaRequest{})
	if err != nil {
		return schema.Spec{}, callError("GetSchema", err)
	}
	if resp.GetSpec() == nil {
		return schema.Spec{}, errors.New("GetSchema: the plugin sent no spec")
	}
	return specFromProto(resp.GetSpec()), nil
}

func (c *client) Validate(ctx context.Context, cfg schema.Config) (schema.Diagnostics, error) {
	resp, err := c.rpc.Validate(ctx, &pb.ValidateRequest{Config: configToProto(cfg)})
	if err != nil {
		return nil, callError("Validate", err)
	}
	return diagnosticsFromProto(resp.GetDiagnostics()), nil
}

func (c *client) Ping(ctx context.Context, cfg schema.Config) (PingResult, error) {
	resp, err := c.rpc.Ping(ctx, &pb.PingRequest{Config: configToProto(cfg)})
	if err != nil {
		return PingResult{}, callError("Ping", err)
	}
	out := PingResult{OK: resp.GetOk(), Diagnostics: diagnosticsFromProto(resp.GetDiagnostics())}
	out.Latency = time.Duration(resp.GetLatencyNanos())
	for _, f := range resp.GetFacts() {
		out.Facts = append(out.Facts, Fact{Key: f.GetKey(), Value: f.GetValue()})
	}
	return out, nil
}

func (c *client) DoRequest(ctx context.Context, cfg schema.Config, req Request) (*Response, error) {
	if len(req.Body) > MaxRequestBody {
		return &Response{ResponseHead: bodyTooLarge(len(req.Body)), Body: EmptyBody()}, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	stream, err := c.rpc.DoRequest(ctx, &pb.DoRequestRequest{Config: configToProto(cfg), Request: requestToProto(req), BodyInHead: true})
	if err != nil {
		cancel()
		return nil, callError("DoRequest", err)
	}
	return receiveResponse("DoRequest", stream, cancel)
}

// responseReceiver is the receiving side of a stream of DoRequestResponse
// messages: DoRequest's, or FetchReportJob's.
type responseReceiver interface {
	Recv() (*pb.DoRequestResponse, error)
	RecvMsg(m any) error
}

// receiveResponse reads the head of a response stream and returns the
// response, whose body reads the chunks; cancel ends the stream.
func receiveResponse(method string, stream responseReceiver, cancel context.CancelFunc) (*Response, error) {
	first, err := stream.Recv()
	if err != nil {
		cancel()
		return nil, callError(method, err)
	}
	head := first.GetHead()
	if head == nil {
		cancel()
		return nil, fmt.Errorf("%s: the plugin sent body data before the response head", method)
	}
	resp := &Response{ResponseHead: headFromProto(head)}
	if head.GetBodyComplete() {
		// The whole body came with the head. The stream has nothing more
		// to say; ending it now releases it (its status either arrived
		// with the head or is not needed).
		cancel()
		resp.Body = io.NopCloser(bytes.NewReader(head.GetBodyStart()))
		return resp, nil
	}
	resp.Body = &streamBody{method: method, stream: stream, cancel: cancel, pending: head.GetBodyStart()}
	return resp, nil
}

// streamBody reads the body chunks of a DoRequest stream. Close may be
// called while another goroutine is in Read, to abort it.
type streamBody struct {
	method  string
	stream  responseReceiver
	msg     pb.DoRequestResponse // every chunk is received into it (see codec)
	cancel  context.CancelFunc
	closed  atomic.Bool
	pending []byte // touched by Read only
	err     error  // touched by Read only
}

var errClosedBody = errors.New("read on a closed body")

func (b *streamBody) Read(p []byte) (int, error) {
	if b.closed.Load() {
		return 0, errClosedBody
	}
	for len(b.pending) == 0 {
		if b.err != nil {
			return 0, b.err
		}
		err := b.stream.RecvMsg(&b.msg)
		switch {
		case err == io.EOF:
			b.err = io.EOF
		case err != nil:
			b.err = callError(b.method+" body", err)
		case b.msg.GetHead() != nil:
			b.err = fmt.Errorf("%s: the plugin sent a second response head", b.method)
		default:
			b.pending = b.msg.GetChunk()
		}
	}
	n := copy(p, b.pending)
	b.pending = b.pending[n:]
	return n, nil
}

// Close stops the stream; the plugin sees its context cancelled.
func (b *streamBody) Close() error {
	b.closed.Store(true)
	b.cancel()
	return nil
}
