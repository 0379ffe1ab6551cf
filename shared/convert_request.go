package shared

import (
	"time"

	pb "github.com/openintegrator/integrator/shared/proto/connectorv1"
)

func requestToProto(r Request) *pb.HTTPRequest {
	out := &pb.HTTPRequest{
		Method: r.Method, Url: r.URL, Body: r.Body,
		TimeoutNanos: int64(r.Timeout), MaxAttempts: int32(r.MaxAttempts), MaxWaitNanos: int64(r.MaxWait),
	}
	for _, p := range r.Query {
		out.Query = append(out.Query, &pb.QueryParam{Key: p.Key, Value: p.Value})
	}
	out.Headers = headersToProto(r.Header)
	return out
}

func requestFromProto(r *pb.HTTPRequest) Request {
	out := Request{
		Method: r.GetMethod(), URL: r.GetUrl(), Body: r.GetBody(),
		Timeout: time.Duration(r.GetTimeoutNanos()), MaxAttempts: int(r.GetMaxAttempts()),
		MaxWait: time.Duration(r.GetMaxWaitNanos()),
	}
	for _, p := range r.GetQuery() {
		out.Query = append(out.Query, Param{Key: p.GetKey(), Value: p.GetValue()})
	}
	out.Header = headersFromProto(r.GetHeaders())
	return out
}

func headersToProto(hs []Header) []*pb.Header {
	out := make([]*pb.Header, 0, len(hs))
	for _, h := range hs {
		out = append(out, &pb.Header{Name: h.Name, Value: h.Value})
	}
	return out
}

func headersFromProto(hs []*pb.Header) []Header {
	if len(hs) == 0 {
		return nil
	}
	out := make([]Header, 0, len(hs))
	for _, h := range hs {
		out = append(out, Header{Name: h.GetName(), Value: h.GetValue()})
	}
	return out
}

func headToProto(h ResponseHead) *pb.ResponseHead {
	out := &pb.ResponseHead{
		Status: int32(h.Status), Headers: headersToProto(h.Header), Attempts: int32(h.Attempts),
		WaitedNanos: int64(h.Waited), Diagnostics: diagnosticsToProto(h.Diagnostics),
	}
	if rl := h.RateLimit; rl != nil {
		out.RateLimit = rateLimitToProto(*rl)
	}
	for _, b := range h.Budgets {
		out.Budgets = append(out.Budgets, rateLimitToProto(b))
	}
	return out
}

func rateLimitToProto(rl RateLimit) *pb.RateLimit {
	out := &pb.RateLimit{Scope: rl.Scope, Limit: rl.Limit, Remaining: rl.Remaining}
	if !rl.Reset.IsZero() {
		out.ResetUnix = rl.Reset.Unix()
	}
	return out
}

func rateLimitFromProto(rl *pb.RateLimit) RateLimit {
	out := RateLimit{Scope: rl.GetScope(), Limit: rl.GetLimit(), Remaining: rl.GetRemaining()}
	if rl.GetResetUnix() != 0 {
		out.Reset = time.Unix(rl.GetResetUnix(), 0)
	}
	return out
}

func headFromProto(h *pb.ResponseHead) ResponseHead {
	out := ResponseHead{
		Status: int(h.GetStatus()), Header: headersFromProto(h.GetHeaders()), Attempts: int(h.GetAttempts()),
		Waited: time.Duration(h.GetWaitedNanos()), Diagnostics: diagnosticsFromProto(h.GetDiagnostics()),
	}
	if rl := h.GetRateLimit(); rl != nil {
		r := rateLimitFromProto(rl)
		out.RateLimit = &r
	}
	for _, b := range h.GetBudgets() {
		out.Budgets = append(out.Budgets, rateLimitFromProto(b))
	}
	return out
}
