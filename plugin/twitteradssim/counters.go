package twitteradssim

import (
	"maps"
	"sync"
)

// Counts is a snapshot of what the server has seen since it started (or
// since ResetCounts).
type Counts struct {
	// Requests counts requests received, faulted ones included, by route:
	// "POST /accounts/:account_id/campaigns", "GET /accounts", ... Requests
	// that match no route count as "GET (unmatched)" etc.; the download
	// host counts as "GET (download)".
	Requests map[string]int `json:"requests"`
	// Created, Updated and Deleted count entity writes that were applied,
	// by entity: "campaign", "line item", "promoted tweet", "stats job".
	Created map[string]int `json:"created"`
	Updated map[string]int `json:"updated"`
	Deleted map[string]int `json:"deleted"`
	// Faults counts injected faults by kind name ("reset_after", ...).
	Faults map[string]int `json:"faults"`
	// Downloads counts download attempts answered with the file.
	Downloads int `json:"downloads"`
	// RateLimited counts the 429s the rate limits answered (injected 429
	// faults are in Faults). Overspent counts those of them that were not
	// the first of their window: each 429 for a rate-limit window (class,
	// user or account) beyond the first before its reset. A client that
	// waits for the reset it is told, and clients that share what they
	// learn, cause at most one per window: more means the budget was
	// overspent.
	RateLimited int `json:"rate_limited"`
	Overspent   int `json:"overspent"`
}

// countsNow serves GET /<v>/sim/counts: the counters as data, for a test
// that drives the simulator as a separate process. It is the simulator's
// own endpoint, signed and counted like the others, and never limited.
func (s *Server) countsNow(c *call) error { return c.ok(s.counts.snapshot()) }

type counters struct {
	mu sync.Mutex
	c  Counts
}

func newCounters() *counters {
	cs := &counters{}
	cs.reset()
	return cs
}

func (cs *counters) reset() {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.c = Counts{Requests: map[string]int{}, Created: map[string]int{}, Updated: map[string]int{},
		Deleted: map[string]int{}, Faults: map[string]int{}}
}

func (cs *counters) snapshot() Counts {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return Counts{
		Requests:  maps.Clone(cs.c.Requests),
		Created:   maps.Clone(cs.c.Created),
		Updated:   maps.Clone(cs.c.Updated),
		Deleted:   maps.Clone(cs.c.Deleted),
		Faults:    maps.Clone(cs.c.Faults),
		Downloads: cs.c.Downloads,

		RateLimited: cs.c.RateLimited,
		Overspent:   cs.c.Overspent,
	}
}

func (cs *counters) add(f func(c *Counts)) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	f(&cs.c)
}

func (cs *counters) request(route string) { cs.add(func(c *Counts) { c.Requests[route]++ }) }
func (cs *counters) fault(k FaultKind)    { cs.add(func(c *Counts) { c.Faults[k.String()]++ }) }
func (cs *counters) created(what string, n int) {
	cs.add(func(c *Counts) { c.Created[what] += n })
}
func (cs *counters) updated(what string, n int) {
	cs.add(func(c *Counts) { c.Updated[what] += n })
}
func (cs *counters) deleted(what string, n int) {
	cs.add(func(c *Counts) { c.Deleted[what] += n })
}
func (cs *counters) download() { cs.add(func(c *Counts) { c.Downloads++ }) }
func (cs *counters) rateLimited(overspent bool) {
	cs.add(func(c *Counts) {
		c.RateLimited++
		if overspent {
			c.Overspent++
		}
	})
}
