package httpconn

import (
	"context"
	"fmt"
	"io"
	"sync"
)

// slots bound the requests in flight per Conn.Key to Conn.Concurrency.
// A request holds its slot until its body is closed.
type slots struct {
	mu sync.Mutex
	m  map[string]chan struct{}
}

// take waits for a slot of key, which has n, and returns its release. A
// key whose n changed gets new slots: later requests use the new bound.
func (s *slots) take(ctx context.Context, key string, n int) (func(), error) {
	s.mu.Lock()
	if s.m == nil {
		s.m = map[string]chan struct{}{}
	}
	ch := s.m[key]
	if cap(ch) != n {
		ch = make(chan struct{}, n)
		s.m[key] = ch
	}
	s.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return sync.OnceFunc(func() { <-ch }), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for one of the connection's %d request slots: %w", n, ctx.Err())
	}
}

// releasing is a body that gives its slot back when closed.
type releasing struct {
	io.ReadCloser
	release func()
}

func (b releasing) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
