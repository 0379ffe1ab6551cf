package iostreams

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
)

// A prompt whose context ends returns at once, without an answer; the
// line typed later answers the next prompt.
func TestPromptEndsWithItsContext(t *testing.T) {
	r, w := io.Pipe()
	var errOut bytes.Buffer
	s := &IOStreams{In: r, ErrOut: &errOut, inTTY: true}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Prompt(ctx, "Name: ", false); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	got := make(chan error, 1)
	go func() {
		_, err := s.Prompt(ctx, "Name: ", false)
		got <- err
	}()
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	go w.Write([]byte("prod\n"))
	text, err := s.Prompt(context.Background(), "Name: ", false)
	if err != nil || text != "prod" {
		t.Errorf("the next prompt read %q, %v", text, err)
	}
	if _, err := (&IOStreams{}).Prompt(context.Background(), "x", false); err != ErrNoTTY {
		t.Errorf("without a terminal: %v", err)
	}
}
