package shared

import (
	"context"
	"errors"
	"fmt"
	"io"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/openintegrator/integrator/schema"
	pb "github.com/openintegrator/integrator/shared/proto/connectorv1"
)

// chunkSize is the size of the body chunks DoRequest streams. Large enough
// to keep per-message overhead small, small enough that a slow reader holds
// little memory (gRPC flow control bounds what is in flight).
const chunkSize = 128 << 10

// firstChunk is the size of the first read of a body.
const firstChunk = 16 << 10

// maxMessage bounds every gRPC message in both directions: the largest
// request body plus room for the config, headers and framing.
const maxMessage = MaxRequestBody + 1<<20

// server adapts a Connector to the generated gRPC service.
type server struct {
	pb.UnimplementedConnectorServer
	impl Connector
}

// internal turns a Go error from the implementation into a gRPC error. It
// means the plugin failed, not that the remote API did.
func internal(method string, err error) error {
	if errors.Is(err, context.Canceled) {
		return status.Error(codes.Canceled, err.Error())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return status.Error(codes.DeadlineExceeded, err.Error())
	}
	return status.Errorf(codes.Internal, "%s: %v", method, err)
}

func (s *server) GetSchema(ctx context.Context, _ *pb.GetSchemaRequest) (*pb.GetSchemaResponse, error) {
	spec, err := s.impl.GetSchema(ctx)
	if err != nil {
		return nil, internal("GetSchema", err)
	}
	return &pb.GetSchemaResponse{Spec: specToProto(spec)}, nil
}

func (s *server) Validate(ctx context.Context, req *pb.ValidateRequest) (*pb.ValidateResponse, error) {
	ds, err := s.impl.Validate(ctx, configFromProto(req.GetConfig()))
	if err != nil {
		return nil, internal("Validate", err)
	}
	return &pb.ValidateResponse{Diagnostics: diagnosticsToProto(ds)}, nil
}

func (s *server) Ping(ctx context.Context, req *pb.PingRequest) (*pb.PingResponse, error) {
	r, err := s.impl.Ping(ctx, configFromProto(req.GetConfig()))
	if err != nil {
		return nil, internal("Ping", err)
	}
	out := &pb.PingResponse{Ok: r.OK, Diagnostics: diagnosticsToProto(r.Diagnostics), LatencyNanos: int64(r.Latency)}
	for _, f := range r.Facts {
		out.Facts = append(out.Facts, &pb.Fact{Key: f.Key, Value: f.Value})
	}
	return out, nil
}

func (s *server) DoRequest(req *pb.DoRequestRequest, stream pb.Connector_DoRequestServer) error {
	r := requestFromProto(req.GetRequest())
	if len(r.Body) > MaxRequestBody {
		return sendHeadOnly(req.GetBodyInHead(), stream, headToProto(bodyTooLarge(len(r.Body))))
	}
	resp, err := s.impl.DoRequest(stream.Context(), configFromProto(req.GetConfig()), r)
	if err != nil {
		return internal("DoRequest", err)
	}
	return sendResponse(stream, req.GetBodyInHead(), resp)
}

// responseStream is the sending side of a stream of DoRequestResponse
// messages: DoRequest's, or FetchReportJob's.
type responseStream interface {
	Send(*pb.DoRequestResponse) error
}

// sendResponse streams resp: the head, then the body in chunks.
func sendResponse(stream responseStream, bodyInHead bool, resp *Response) error {
	head := headToProto(resp.ResponseHead)
	if resp.Body == nil {
		return sendHeadOnly(bodyInHead, stream, head)
	}
	defer resp.Body.Close()
	// The head carries what the first Read of the body returns. A small
	// answer usually arrives whole with its HTTP head, so it then takes one
	// message: fewer writes and wake-ups on both sides of the socket.
	//
	// One buffer per stream, reused for every chunk: gRPC encodes a message
	// into its own buffer before Send returns (codec.Marshal; no stats
	// handler or binary log that could read it later is installed). It
	// starts small, so a small body costs little, and doubles while reads
	// fill it. One Read per chunk, so that data that trickles in is passed
	// on at once.
	buf := make([]byte, firstChunk)
	var n int // a host that predates body_in_head gets the body in chunks only
	var err error
	if bodyInHead {
		n, err = resp.Body.Read(buf)
		head.BodyStart = buf[:n]
		head.BodyComplete = err == io.EOF
	}
	if serr := sendHead(stream, head); serr != nil {
		return serr
	}
	msg := &pb.DoRequestResponse_Chunk{}
	out := &pb.DoRequestResponse{Part: msg}
	for {
		switch {
		case err == io.EOF:
			return nil
		case err != nil:
			return status.Errorf(codes.Aborted, "reading the response body: %v", err)
		}
		if n == len(buf) && len(buf) < chunkSize {
			buf = make([]byte, 2*len(buf))
		}
		n, err = resp.Body.Read(buf)
		if n > 0 {
			msg.Chunk = buf[:n]
			if serr := stream.Send(out); serr != nil {
				return serr
			}
		}
	}
}

func sendHead(stream responseStream, h *pb.ResponseHead) error {
	return stream.Send(&pb.DoRequestResponse{Part: &pb.DoRequestResponse_Head{Head: h}})
}

// sendHeadOnly answers with a head and no body: complete at once for a
// host that reads body_complete, an empty stream for an older one.
func sendHeadOnly(bodyInHead bool, stream responseStream, h *pb.ResponseHead) error {
	h.BodyComplete = bodyInHead
	return sendHead(stream, h)
}

// CodeBodyTooLarge is the diagnostic code for a request body over MaxRequestBody.
const CodeBodyTooLarge = "body_too_large"

func bodyTooLarge(n int) ResponseHead {
	return ResponseHead{Diagnostics: schema.Diagnostics{schema.Errorf("", CodeBodyTooLarge,
		"send large data in several requests, or use a batch endpoint",
		"the request body is %s; the limit is %s", byteSize(n), byteSize(MaxRequestBody))}}
}

func byteSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
