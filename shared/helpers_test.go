package shared

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"
)

func TestSleep(t *testing.T) {
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("a wait that ran out: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("a wait whose context had ended: %v", err)
	}
	if err := Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("no wait, context ended: %v", err)
	}
	if err := Sleep(context.Background(), -time.Second); err != nil {
		t.Errorf("no wait: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	go cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("a wait whose context ends meanwhile: %v", err)
	}
}

func TestIsJSON(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/json": true, "Application/JSON; charset=utf-8": true, "application/problem+json": true,
		"text/json": false, "application/jsonl": false, "": false, "text/html": false, "application/json; =": false,
	} {
		if IsJSON(ct) != want {
			t.Errorf("IsJSON(%q) = %v", ct, !want)
		}
	}
}

func TestEmptyBody(t *testing.T) {
	b, err := io.ReadAll(EmptyBody())
	if err != nil || len(b) != 0 {
		t.Errorf("%q %v", b, err)
	}
}
