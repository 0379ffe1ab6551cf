package cli

import (
	"bytes"
	"fmt"
	"testing"
)

func ExampleProgress() {
	var b bytes.Buffer
	p := NewProgress(&b, ProgressPlain)
	p.Note("Resuming after %s records", "1,234,567")
	p.Done("Exported %s records", "25,000")
	fmt.Print(b.String())
	// Output:
	// Resuming after 1,234,567 records
	// Exported 25,000 records
}

// What each mode writes: nothing but warnings and alerts with none, lines
// with plain, one redrawn line with live (cleared before a line that
// stays, and put back after it).
func TestProgressModes(t *testing.T) {
	run := func(mode ProgressMode) string {
		var b bytes.Buffer
		p := NewProgress(&b, mode)
		p.Update("status %d", 1)
		p.Note("a note")
		p.Alert("an alert")
		p.Warn("a warning")
		p.Clear()
		p.Done("done")
		return b.String()
	}
	for _, tt := range []struct {
		mode ProgressMode
		want string
	}{
		{ProgressNone, "an alert\nwarning: a warning\n"},
		// The first status of a plain run waits for a while: a short run
		// prints only its result.
		{ProgressPlain, "a note\nan alert\nwarning: a warning\ndone\n"},
		{ProgressLive, "\rstatus 1\x1b[K" + "\r\x1b[Ka note\n\rstatus 1\x1b[K" + "\r\x1b[Kan alert\n\rstatus 1\x1b[K" +
			"\r\x1b[Kwarning: a warning\n\rstatus 1\x1b[K" + "\r\x1b[K" + "done\n"},
	} {
		if got := run(tt.mode); got != tt.want {
			t.Errorf("mode %d wrote %q, want %q", tt.mode, got, tt.want)
		}
	}
	var nilProgress *Progress
	nilProgress.Warn("nothing")
	nilProgress.Done("nothing")
	if nilProgress.Shown() || NewProgress(nil, ProgressNone).Shown() || !NewProgress(nil, ProgressPlain).Shown() || !NewProgress(nil, ProgressLive).Shown() {
		t.Error("Shown is wrong for a mode")
	}
}

func TestParseProgressMode(t *testing.T) {
	for _, tt := range []struct {
		s        string
		terminal bool
		want     ProgressMode
	}{
		{"auto", true, ProgressLive}, {"auto", false, ProgressSummary}, {"", true, ProgressLive},
		{"plain", true, ProgressPlain}, {"none", true, ProgressNone},
	} {
		if got, err := ParseProgressMode(tt.s, tt.terminal); err != nil || got != tt.want {
			t.Errorf("%q (terminal %v): %v, %v", tt.s, tt.terminal, got, err)
		}
	}
	if _, err := ParseProgressMode("fancy", true); err == nil || err.Error() != `invalid progress mode "fancy": use auto, plain or none` {
		t.Errorf("err = %v", err)
	}
}
