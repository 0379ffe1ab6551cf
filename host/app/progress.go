package app

import "github.com/openintegrator/integrator/host/flows"

// Meter is a Progress that also draws a run's counts, such as a progress
// bar (see flows.Meter); Measure is what it is given.
type (
	Meter   = flows.Meter
	Measure = flows.Measure
)
