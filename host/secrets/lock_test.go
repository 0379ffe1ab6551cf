//go:build unix

package secrets

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestLockModes: shared holders do not wait for each other; an exclusive
// holder makes everyone else wait (and say so) until it lets go.
func TestLockModes(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	a, _ := Load(noEnv, home)
	b, _ := Load(noEnv, home)

	noWait := func() { t.Error("waited for a shared lock while only shared locks were held") }
	u1, err := a.Lock(ctx, Shared, noWait)
	if err != nil {
		t.Fatal(err)
	}
	u2, err := b.Lock(ctx, Shared, noWait)
	if err != nil {
		t.Fatal(err)
	}
	u1()
	u2()

	unlock, err := a.Lock(ctx, Exclusive, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []LockMode{Shared, Exclusive} {
		waited := make(chan struct{})
		got := make(chan error, 1)
		go func() {
			u, err := b.Lock(ctx, mode, func() { close(waited) })
			if err == nil {
				u()
			}
			got <- err
		}()
		<-waited // b reports that it waits, and does not get the lock meanwhile
		select {
		case err := <-got:
			t.Fatalf("mode %d: took the lock while another process held it exclusively (err %v)", mode, err)
		default:
		}
		unlock()
		if err := <-got; err != nil {
			t.Fatalf("mode %d after the holder let go: %v", mode, err)
		}
		if unlock, err = a.Lock(ctx, Exclusive, nil); err != nil {
			t.Fatal(err)
		}
	}

	// A waiter whose context ends gives up with the context's error.
	cctx, cancel := context.WithCancel(ctx)
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	if _, err := b.Lock(cctx, Shared, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled wait: err = %v", err)
	}
	unlock()
}
