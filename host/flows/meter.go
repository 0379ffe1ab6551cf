package flows

// Meter is what a Progress may also be: one that draws a run's count
// against its total, such as the CLI's progress bar. A run that knows its
// counts calls Measure just before each Update with the same state; a
// Progress that is no Meter hears the Update alone.
type Meter interface {
	Measure(m Measure)
}

// Measure is how far a run has got, as numbers.
type Measure struct {
	Task  string // what runs: "Exporting"
	Unit  string // what is counted, plural: "records"
	Done  int64  // counted so far, by this run and the runs it resumes
	Total int64  // expected in all, the record limit included; 0 when unknown
	Base  int64  // counted before this run started (resumed), not part of its rate
	Note  string // more about the state, such as failures; may be ""
}

// measure hands m to p when p is a Meter.
func measure(p Progress, m Measure) {
	if mt, ok := p.(Meter); ok {
		mt.Measure(m)
	}
}

// expected is the total an export expects: the API's total, or the
// record limit when there is one and it is smaller (or the total is
// unknown); 0 when neither is known.
func expected(total, maxRecords int64) int64 {
	if maxRecords > 0 && (total <= 0 || maxRecords < total) {
		return maxRecords
	}
	return max(total, 0)
}
