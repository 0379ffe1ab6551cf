package shared

import (
	"time"

	pb "github.com/openintegrator/integrator/shared/proto/connectorv1"
)

func descriptionToProto(d Description) *pb.DescribeResponse {
	out := &pb.DescribeResponse{Diagnostics: diagnosticsToProto(d.Diagnostics)}
	if p := d.Paging; p != nil {
		out.Paging = &pb.Paging{Style: pb.PagingStyle(p.Style), RecordsField: p.RecordsField, CursorParam: p.CursorParam,
			NextCursorField: p.NextCursorField, NextUrlField: p.NextURLField, PageParam: p.PageParam, FirstPage: p.FirstPage,
			PageSizeParam: p.PageSizeParam, TotalField: p.TotalField}
		if p.TotalParam != nil {
			out.Paging.TotalParam = &pb.QueryParam{Key: p.TotalParam.Key, Value: p.TotalParam.Value}
		}
	}
	if r := d.Reports; r != nil {
		out.Reports = &pb.Reports{MaxWindowSeconds: int64(r.MaxWindow / time.Second), MaxSegmentedWindowSeconds: int64(r.MaxSegmentedWindow / time.Second),
			MaxIds: int32(r.MaxIDs), MaxProcessingJobs: int32(r.MaxProcessingJobs), MaxPollIds: int32(r.MaxPollIDs),
			Granularities: r.Granularities, DefaultPlacement: r.DefaultPlacement}
	}
	return out
}

func descriptionFromProto(m *pb.DescribeResponse) Description {
	d := Description{Diagnostics: diagnosticsFromProto(m.GetDiagnostics())}
	if p := m.GetPaging(); p != nil {
		d.Paging = &Paging{Style: PagingStyle(p.GetStyle()), RecordsField: p.GetRecordsField(), CursorParam: p.GetCursorParam(),
			NextCursorField: p.GetNextCursorField(), NextURLField: p.GetNextUrlField(), PageParam: p.GetPageParam(), FirstPage: p.GetFirstPage(),
			PageSizeParam: p.GetPageSizeParam(), TotalField: p.GetTotalField()}
		if tp := p.GetTotalParam(); tp != nil {
			d.Paging.TotalParam = &Param{Key: tp.GetKey(), Value: tp.GetValue()}
		}
	}
	if r := m.GetReports(); r != nil {
		d.Reports = &Reports{MaxWindow: time.Duration(r.GetMaxWindowSeconds()) * time.Second,
			MaxSegmentedWindow: time.Duration(r.GetMaxSegmentedWindowSeconds()) * time.Second,
			MaxIDs:             int(r.GetMaxIds()), MaxProcessingJobs: int(r.GetMaxProcessingJobs()), MaxPollIDs: int(r.GetMaxPollIds()),
			Granularities: r.GetGranularities(), DefaultPlacement: r.GetDefaultPlacement()}
	}
	return d
}

func queryToProto(q ReportQuery) *pb.ReportQuery {
	return &pb.ReportQuery{Account: q.Account, Entity: q.Entity, Ids: q.IDs, StartUnix: q.Start.Unix(), EndUnix: q.End.Unix(),
		Granularity: q.Granularity, Metrics: q.Metrics, Placement: q.Placement, Segment: q.Segment}
}

func queryFromProto(q *pb.ReportQuery) ReportQuery {
	return ReportQuery{Account: q.GetAccount(), Entity: q.GetEntity(), IDs: q.GetIds(), Start: time.Unix(q.GetStartUnix(), 0).UTC(),
		End: time.Unix(q.GetEndUnix(), 0).UTC(), Granularity: q.GetGranularity(), Metrics: q.GetMetrics(), Placement: q.GetPlacement(), Segment: q.GetSegment()}
}

func jobToProto(j ReportJob) *pb.ReportJob {
	return &pb.ReportJob{Id: j.ID, State: pb.JobState(j.State), Url: j.URL, ApiState: j.APIState}
}

func jobFromProto(j *pb.ReportJob) ReportJob {
	return ReportJob{ID: j.GetId(), State: JobState(j.GetState()), URL: j.GetUrl(), APIState: j.GetApiState()}
}

func jobsToProto(a ReportJobs) *pb.ReportJobsResponse {
	out := &pb.ReportJobsResponse{Head: headToProto(a.ResponseHead)}
	for _, j := range a.Jobs {
		out.Jobs = append(out.Jobs, jobToProto(j))
	}
	return out
}

func jobsFromProto(m *pb.ReportJobsResponse) ReportJobs {
	a := ReportJobs{ResponseHead: headFromProto(m.GetHead())}
	for _, j := range m.GetJobs() {
		a.Jobs = append(a.Jobs, jobFromProto(j))
	}
	return a
}
