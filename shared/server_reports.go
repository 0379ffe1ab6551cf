package shared

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/openintegrator/integrator/shared/proto/connectorv1"
)

// The calls a connector offers by implementing Describer or Reporter;
// a connector without them answers Unimplemented, as a plugin built
// before them does.

func unsupported(method string) error {
	return status.Errorf(codes.Unimplemented, "%s: the connector does not offer it", method)
}

func (s *server) Describe(ctx context.Context, req *pb.DescribeRequest) (*pb.DescribeResponse, error) {
	d, ok := s.impl.(Describer)
	if !ok {
		return nil, unsupported("Describe")
	}
	desc, err := d.Describe(ctx, configFromProto(req.GetConfig()))
	if err != nil {
		return nil, internal("Describe", err)
	}
	return descriptionToProto(desc), nil
}

func (s *server) CreateReportJob(ctx context.Context, req *pb.CreateReportJobRequest) (*pb.ReportJobsResponse, error) {
	r, ok := s.impl.(Reporter)
	if !ok {
		return nil, unsupported("CreateReportJob")
	}
	a, err := r.CreateReportJob(ctx, configFromProto(req.GetConfig()), queryFromProto(req.GetQuery()))
	if err != nil {
		return nil, internal("CreateReportJob", err)
	}
	return jobsToProto(a), nil
}

func (s *server) PollReportJobs(ctx context.Context, req *pb.PollReportJobsRequest) (*pb.ReportJobsResponse, error) {
	r, ok := s.impl.(Reporter)
	if !ok {
		return nil, unsupported("PollReportJobs")
	}
	a, err := r.PollReportJobs(ctx, configFromProto(req.GetConfig()), req.GetAccount(), req.GetIds())
	if err != nil {
		return nil, internal("PollReportJobs", err)
	}
	return jobsToProto(a), nil
}

func (s *server) FetchReportJob(req *pb.FetchReportJobRequest, stream pb.Connector_FetchReportJobServer) error {
	r, ok := s.impl.(Reporter)
	if !ok {
		return unsupported("FetchReportJob")
	}
	resp, err := r.FetchReportJob(stream.Context(), configFromProto(req.GetConfig()), queryFromProto(req.GetQuery()), jobFromProto(req.GetJob()))
	if err != nil {
		return internal("FetchReportJob", err)
	}
	return sendResponse(stream, req.GetBodyInHead(), resp)
}
