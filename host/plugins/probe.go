package plugins

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// Plugin is a candidate after an attempt to start it.
type Plugin struct {
	Candidate
	SHA256 string      // of the binary, hex
	Spec   schema.Spec // valid only when Err is nil
	Err    error       // why it could not be used
}

// OK reports whether the plugin started, answered and is not shadowed.
func (p Plugin) OK() bool { return p.Err == nil && p.ShadowedBy == "" }

// Probe starts every usable candidate, asks it for its schema and stops it
// again. A few run at once. Candidates with a Problem are not started; their
// Err says why. Results are in candidate order.
func Probe(ctx context.Context, cands []Candidate, o shared.ClientOptions) []Plugin {
	out := make([]Plugin, len(cands))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, c := range cands {
		out[i] = Plugin{Candidate: c}
		if c.Problem != "" {
			out[i].Err = fmt.Errorf("%s", c.Problem)
			continue
		}
		if c.ShadowedBy != "" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = probeOne(ctx, c, o)
		}()
	}
	wg.Wait()
	return out
}

func probeOne(ctx context.Context, c Candidate, o shared.ClientOptions) Plugin {
	p := Plugin{Candidate: c}
	sum, err := fileSHA256(c.Path)
	if err != nil {
		p.Err = err
		return p
	}
	p.SHA256 = sum
	inst, err := Start(ctx, c, o)
	if err != nil {
		p.Err = err
		return p
	}
	defer inst.Close()
	p.Spec = inst.Spec
	return p
}

// Start starts the candidate's plugin and checks that the type it reports is
// the one its file name promises.
func Start(ctx context.Context, c Candidate, o shared.ClientOptions) (*shared.Instance, error) {
	if o.Logger != nil {
		o.Logger = quietLogger{o.Logger}
	}
	stderr := &tail{}
	o.Stderr = stderr
	inst, err := shared.Start(ctx, c.Path, o)
	if err != nil {
		return nil, explain(err, stderr.String())
	}
	if inst.Spec.Type != c.Type {
		inst.Close()
		return nil, fmt.Errorf("the file name says type %q but the plugin reports %q", c.Type, inst.Spec.Type)
	}
	return inst, nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
