package flows

// StoppedError is the error of a flow that stopped before its end with its
// progress kept: Err says why it stopped, Kept what is kept and how to
// continue. The host prints Kept also when a signal stopped the flow.
type StoppedError struct {
	Err  error
	Kept string
}

func (e *StoppedError) Error() string { return e.Err.Error() + "\n" + e.Kept }

func (e *StoppedError) Unwrap() error { return e.Err }
