package queue

import "github.com/riverqueue/river"

// The kinds of jobs, as River names them.
const (
	KindExport      = "export"
	KindImportPlan  = "import_plan"
	KindImportChunk = "import_chunk"
	KindReport      = "report"
)

// unique makes a kind's jobs unique by their args (a run and its page,
// chunk or job) in every state but cancelled and discarded: inserting a
// job that exists, or that completed, inserts nothing.
var unique = river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}

// ExportArgs is the job that fetches an export run's pages from Page on
// (0 is the first page), within a worker's time budget, and queues its
// continuation from the page after the last one it stored.
type ExportArgs struct {
	RunID string `json:"run_id"`
	Page  int64  `json:"page"`
}

func (ExportArgs) Kind() string                 { return KindExport }
func (ExportArgs) InsertOpts() river.InsertOpts { return unique }

// ImportPlanArgs is the job that cuts an import run's input into chunks
// and queues a job for each.
type ImportPlanArgs struct {
	RunID string `json:"run_id"`
}

func (ImportPlanArgs) Kind() string                 { return KindImportPlan }
func (ImportPlanArgs) InsertOpts() river.InsertOpts { return unique }

// ImportChunkArgs is the job that sends one chunk of an import run.
type ImportChunkArgs struct {
	RunID string `json:"run_id"`
	Chunk int64  `json:"chunk"`
}

func (ImportChunkArgs) Kind() string                 { return KindImportChunk }
func (ImportChunkArgs) InsertOpts() river.InsertOpts { return unique }

// ReportArgs is the job that creates, polls and downloads one of a report
// run's stats jobs (Job is its index in the run's plan).
type ReportArgs struct {
	RunID string `json:"run_id"`
	Job   int64  `json:"job"`
}

func (ReportArgs) Kind() string                 { return KindReport }
func (ReportArgs) InsertOpts() river.InsertOpts { return unique }
