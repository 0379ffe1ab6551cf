package plugins

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"syscall"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// Plugin is a candidate after it was checked against the trusted
// checksums, and started unless its schema came from the cache.
type Plugin struct {
	Candidate
	SHA256 string // of the binary, hex
	// Trusted reports whether SHA256 is the checksum trusted for the type
	// (a binary loaded for the first time is trusted once it starts).
	Trusted bool
	// TrustedSHA256 is the checksum trusted for the type when it is not
	// this binary's.
	TrustedSHA256 string
	Spec          schema.Spec // valid only when Err is nil and ShadowedBy is ""
	Protocol      int         // the plugin protocol version it speaks
	Cached        bool        // Spec came from the cache; the plugin was not started
	Err           error       // why it could not be used
}

// OK reports whether the plugin answered (or its schema is cached) and is
// not shadowed.
func (p Plugin) OK() bool { return p.Err == nil && p.ShadowedBy == "" }

// LoadOptions says how Load treats the candidates.
type LoadOptions struct {
	Client shared.ClientOptions
	// Cache holds the verified copies the plugins run from.
	Cache *ExecCache
	Trust *Trust
	// UseCache takes the schema of a trusted binary from the cache instead
	// of starting it. Without it every usable plugin is started.
	UseCache bool
}

// Load checks every usable candidate against the trusted checksums, and
// asks those that pass for their schema: from the cache when allowed,
// else by starting the plugin (a few at once) and stopping it again. A
// binary loaded for the first time becomes trusted. Candidates with a
// Problem are not started; their Err says why. Shadowed candidates are
// hashed but not started. Results are in candidate order.
func Load(ctx context.Context, cands []Candidate, o LoadOptions) []Plugin {
	out := make([]Plugin, len(cands))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, c := range cands {
		out[i] = Plugin{Candidate: c}
		if c.Problem != "" {
			out[i].Err = fmt.Errorf("%s", c.Problem)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = loadOne(ctx, c, o)
		}()
	}
	wg.Wait()
	return out
}

func loadOne(ctx context.Context, c Candidate, o LoadOptions) Plugin {
	p := Plugin{Candidate: c}
	v, err := o.Trust.Check(ctx, c)
	p.SHA256 = v.SHA256
	if ce := (*ChangedError)(nil); errors.As(err, &ce) {
		p.TrustedSHA256 = ce.Trusted.SHA256
	}
	if err != nil {
		if c.ShadowedBy == "" {
			p.Err = err
		}
		return p
	}
	if c.ShadowedBy != "" {
		p.Trusted = !v.FirstUse()
		return p
	}
	if spec, ok := v.CachedSpec(); ok && o.UseCache {
		p.Spec, p.Protocol, p.Cached, p.Trusted = spec, v.Record.Protocol, true, true
		return p
	}
	co := o.Client
	co.Checksum = v.Checksum()
	inst, err := Start(ctx, c, o.Cache, co)
	if err != nil {
		p.Err = err
		return p
	}
	defer inst.Close()
	p.Spec, p.Protocol = inst.Spec, inst.Protocol
	if err := o.Trust.Remember(ctx, c, v, inst.Spec, inst.Protocol); err != nil {
		p.Err = err
		return p
	}
	p.Trusted = true
	return p
}

// Start starts the candidate's plugin and checks that the type it reports is
// the one its file name promises. o.Checksum is the trusted checksum: the
// plugin runs from a copy in cache of the file's bytes that have it (see
// ExecCache), never from the file itself, and a file that no longer has it
// is refused.
func Start(ctx context.Context, c Candidate, cache *ExecCache, o shared.ClientOptions) (*shared.Instance, error) {
	if cache == nil || len(o.Checksum) == 0 {
		return nil, errors.New("a plugin is started only from a verified copy: give the cache and the checksum")
	}
	sum := hex.EncodeToString(o.Checksum)
	path, err := cache.Copy(c.Path, Prefix+c.Type, sum)
	if mismatch := (*CopyMismatchError)(nil); errors.As(err, &mismatch) {
		return nil, fmt.Errorf("it changed after it was checked (sha256 was %s, is now %s): "+
			"if you installed a new version yourself, run 'integrator plugins trust %s'", short(sum), short(mismatch.Got), c.Type)
	}
	if err != nil {
		return nil, err
	}
	o.Argv0 = c.Path
	if o.Logger != nil {
		o.Logger = quietLogger{o.Logger}
	}
	stderr := &tail{}
	if o.Stderr != nil {
		o.Stderr = io.MultiWriter(stderr, o.Stderr)
	} else {
		o.Stderr = stderr
	}
	inst, err := startFresh(ctx, path, o)
	switch {
	case errors.Is(err, shared.ErrChecksumMismatch):
		cache.Discard(path)
		return nil, fmt.Errorf("its verified copy %s no longer has sha256 %s: it was removed, and is made again "+
			"from %s at the next start", path, short(sum), c.Path)
	case err != nil && ctx.Err() != nil:
		return nil, err
	case err != nil:
		timeout := o.StartTimeout
		if timeout == 0 {
			timeout = shared.DefaultStartTimeout
		}
		return nil, explain(err, stderr.String(), timeout)
	}
	if inst.Spec.Type != c.Type {
		inst.Close()
		return nil, fmt.Errorf("the file name says type %q but the plugin reports %q", c.Type, inst.Spec.Type)
	}
	return inst, nil
}

// startFresh starts the verified copy at path, again when its exec fails
// with "text file busy": a copy just written can still be open for
// writing in a process another goroutine is forking at that moment (the
// child holds the descriptor until it execs), for a few milliseconds.
func startFresh(ctx context.Context, path string, o shared.ClientOptions) (*shared.Instance, error) {
	for try := 1; ; try++ {
		inst, err := shared.Start(ctx, path, o)
		if !errors.Is(err, syscall.ETXTBSY) || try == 5 || ctx.Err() != nil {
			return inst, err
		}
		if err := shared.Sleep(ctx, time.Duration(try)*20*time.Millisecond); err != nil {
			return nil, err
		}
	}
}
