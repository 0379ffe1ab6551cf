package httpconn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/openintegrator/integrator/shared"
)

// BodyIdleTimeout ends a response body from which no byte arrived for
// this long, unless Options say otherwise. The request's timeout does not
// bound reading the body, so that a large download is not cut off.
const BodyIdleTimeout = 60 * time.Second

// errBodyIdle and errClosed are the causes with which a call's context
// ends once its head has been returned.
var (
	errBodyIdle = errors.New("no data arrived for too long")
	errClosed   = errors.New("response body closed")
)

// body streams a response body to the caller without buffering it: each
// Read is one read of the network. Each read that returns data restarts
// the idle timer; when the timer fires, the call is cancelled and the
// read fails. Close releases the connection and the call's context.
type body struct {
	r      io.Reader
	closer io.Closer
	ctx    context.Context
	cancel context.CancelCauseFunc
	idle   *time.Timer
	wait   time.Duration
	once   sync.Once
}

func newBody(ctx context.Context, cancel context.CancelCauseFunc, r io.Reader, closer io.Closer, idle time.Duration) *body {
	b := &body{r: r, closer: closer, ctx: ctx, cancel: cancel, wait: idle}
	b.idle = time.AfterFunc(idle, func() { cancel(errBodyIdle) })
	return b
}

func (b *body) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if n > 0 {
		b.idle.Reset(b.wait)
	}
	if err != nil && err != io.EOF && errors.Is(context.Cause(b.ctx), errBodyIdle) {
		err = fmt.Errorf("reading the response body: no data for %s", b.wait)
	}
	return n, err
}

func (b *body) Close() error {
	var err error
	b.once.Do(func() {
		b.idle.Stop()
		err = b.closer.Close()
		b.cancel(errClosed)
	})
	return err
}

// NoAnswer is a response without an HTTP answer: a refused request, or
// one that failed; the diagnostics say why.
func NoAnswer(head shared.ResponseHead) *shared.Response {
	return &shared.Response{ResponseHead: head, Body: shared.EmptyBody()}
}
