package shared

import (
	"context"

	"github.com/openintegrator/integrator/schema"
	pb "github.com/openintegrator/integrator/shared/proto/connectorv1"
)

var (
	_ Describer = (*client)(nil)
	_ Reporter  = (*client)(nil)
)

// The host always offers the optional calls; a plugin that lacks one
// answers with an error wrapping ErrUnsupported.

func (c *client) Describe(ctx context.Context, cfg schema.Config) (Description, error) {
	resp, err := c.rpc.Describe(ctx, &pb.DescribeRequest{Config: configToProto(cfg)})
	if err != nil {
		return Description{}, callError("Describe", err)
	}
	return descriptionFromProto(resp), nil
}

func (c *client) CreateReportJob(ctx context.Context, cfg schema.Config, q ReportQuery) (ReportJobs, error) {
	resp, err := c.rpc.CreateReportJob(ctx, &pb.CreateReportJobRequest{Config: configToProto(cfg), Query: queryToProto(q)})
	if err != nil {
		return ReportJobs{}, callError("CreateReportJob", err)
	}
	return jobsFromProto(resp), nil
}

func (c *client) PollReportJobs(ctx context.Context, cfg schema.Config, account string, ids []string) (ReportJobs, error) {
	resp, err := c.rpc.PollReportJobs(ctx, &pb.PollReportJobsRequest{Config: configToProto(cfg), Account: account, Ids: ids})
	if err != nil {
		return ReportJobs{}, callError("PollReportJobs", err)
	}
	return jobsFromProto(resp), nil
}

func (c *client) FetchReportJob(ctx context.Context, cfg schema.Config, q ReportQuery, job ReportJob) (*Response, error) {
	ctx, cancel := context.WithCancel(ctx)
	stream, err := c.rpc.FetchReportJob(ctx, &pb.FetchReportJobRequest{Config: configToProto(cfg), Query: queryToProto(q), Job: jobToProto(job), BodyInHead: true})
	if err != nil {
		cancel()
		return nil, callError("FetchReportJob", err)
	}
	return receiveResponse("FetchReportJob", stream, cancel)
}
