package shared

import (
	"context"
	"time"

	"github.com/openintegrator/integrator/schema"
)

// Reporter is implemented by a connector whose API runs async reports:
// a job is created, polled until it is done, and its result fetched. Each
// call makes one API request; the host does the retrying and the waiting,
// as it does for DoRequest (MaxAttempts 1).
type Reporter interface {
	// CreateReportJob creates one job; the answer's Jobs hold it. An API
	// that refuses because the account has too many jobs processing says
	// so with a diagnostic of code CodeTooManyJobs.
	CreateReportJob(ctx context.Context, cfg schema.Config, q ReportQuery) (ReportJobs, error)
	// PollReportJobs asks for the state of jobs; a job the API no longer
	// knows is missing from the answer's Jobs.
	PollReportJobs(ctx context.Context, cfg schema.Config, account string, ids []string) (ReportJobs, error)
	// FetchReportJob downloads the result of a job that succeeded, for the
	// query it was created for, and answers with its rows as JSON Lines.
	// A result that is not there yet answers 404.
	FetchReportJob(ctx context.Context, cfg schema.Config, q ReportQuery, job ReportJob) (*Response, error)
}

// CodeTooManyJobs is the diagnostic code of a job the API would not
// create because the account has too many processing.
const CodeTooManyJobs = "too_many_jobs"

// ReportQuery is what one job covers.
type ReportQuery struct {
	Account     string
	Entity      string
	IDs         []string
	Start, End  time.Time
	Granularity string
	Metrics     []string
	Placement   string
	Segment     string
}

// JobState is where an async job is.
type JobState int

// The job states.
const (
	JobProcessing JobState = iota + 1
	JobSuccess             // done; URL says where the result is, once known
	JobFailed              // failed, expired or cancelled: it will not finish
)

// ReportJob is an async job as the API describes it.
type ReportJob struct {
	ID       string
	State    JobState
	URL      string
	APIState string // the API's own word for the state
}

// ReportJobs is the answer of CreateReportJob and PollReportJobs.
type ReportJobs struct {
	ResponseHead
	Jobs []ReportJob
}
