package pause

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestFor(t *testing.T) {
	if err := For(context.Background(), time.Millisecond); err != nil {
		t.Errorf("a wait that ran out: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := For(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("a wait whose context had ended: %v", err)
	}
	if err := For(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("no wait, context ended: %v", err)
	}
	if err := For(context.Background(), -time.Second); err != nil {
		t.Errorf("no wait: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	go cancel()
	if err := For(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("a wait whose context ends meanwhile: %v", err)
	}
}
