package flows

// StoppedError is the error of a flow that stopped before its end with its
// progress kept: Err says why it stopped, Kept what is kept and how to
// continue. The host prints Kept also when a signal stopped the flow.
type StoppedError struct {
	Err  error
	Kept string
}

// Error is Err and Kept, except for an answer that asking again cannot
// change (a 4xx, a path that is no list, a cursor cycle, a page over its
// limit): then it is Err alone, which says what is saved if anything is,
// since advice to continue with --resume would only meet the same answer.
func (e *StoppedError) Error() string {
	if isFinal(e.Err) {
		return e.Err.Error()
	}
	return e.Err.Error() + "\n" + e.Kept
}

func (e *StoppedError) Unwrap() error { return e.Err }
