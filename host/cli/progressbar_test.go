package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/app"
)

const clearLine = "\x1b[2K\r" // what clears the bar

// In live mode a run's measures are a progress bar with a percentage,
// the count against the total, the rate and the time left; it is cleared
// before a note, the summary, an error or data is written, and put back
// after a note or data.
func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, ProgressLive)
	m := app.Measure{Task: "Exporting", Unit: "records", Total: 50}
	p.Measure(m) // the run starts: nothing drawn yet
	if b.Len() != 0 {
		t.Fatalf("drawn before any count: %q", b.String())
	}
	m.Done = 20
	p.Measure(m)
	p.Update("Exporting: 1 page, 20 records") // the bar shows it already
	bar := b.String()
	for _, want := range []string{"Exporting: ", " records/s, about ", "s left  ", " 40% |████████            | (20/50)"} {
		if !strings.Contains(bar, want) {
			t.Errorf("the bar %q lacks %q", bar, want)
		}
	}
	if strings.Contains(bar, "Exporting: 1 page") {
		t.Errorf("the status line was drawn over the bar: %q", bar)
	}

	b.Reset()
	p.Note("a note")
	if s := b.String(); !strings.HasPrefix(s, clearLine+"a note\n") || !strings.Contains(s[len(clearLine+"a note\n"):], " 40% |") {
		t.Errorf("a note: %q, want the bar cleared, the note, the bar again", s)
	}

	b.Reset()
	out := p.Data(&b)
	out.Write([]byte(`{"id":1}` + "\n"))
	if s := b.String(); !strings.HasPrefix(s, clearLine+`{"id":1}`+"\n") || !strings.Contains(s, " 40% |") {
		t.Errorf("data: %q, want the bar cleared, the data, the bar again", s)
	}

	b.Reset()
	p.Done("Exported 50 records")
	if s := b.String(); s != clearLine+"Exported 50 records\n" {
		t.Errorf("done: %q", s)
	}

	// An error: Clear leaves a clean line.
	b.Reset()
	p = NewProgress(&b, ProgressLive)
	p.Measure(app.Measure{Task: "Importing", Unit: "records"})
	p.Measure(app.Measure{Task: "Importing", Unit: "records", Done: 3, Note: "3 ok, 0 failed, 0 unknown"})
	p.Clear()
	if s := b.String(); !strings.HasPrefix(s, "\r⠋ Importing: 3 records, ") || !strings.Contains(s, "/s (3 ok, 0 failed, 0 unknown)") || !strings.HasSuffix(s, clearLine) {
		t.Errorf("a bar without a total, then cleared: %q", s)
	}
}

// A total learnt after the start (an export's, from its first page, or
// the record limit) makes the bar a bar: 10 of 50 is 20%.
func TestProgressBarTotalLearntLater(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, ProgressLive)
	p.Measure(app.Measure{Task: "Exporting", Unit: "records"})
	p.Measure(app.Measure{Task: "Exporting", Unit: "records", Done: 10, Total: 50})
	if s := b.String(); !strings.Contains(s, " 20% |████ ") || !strings.Contains(s, "(10/50)") || strings.Contains(s, "(10/-)") {
		t.Errorf("%q", s)
	}
}

// Without a terminal the default writes the summary line alone (and
// warnings and alerts): no statuses, notes or bars.
func TestProgressSummaryMode(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, ProgressSummary)
	p.Measure(app.Measure{Task: "Exporting", Unit: "records", Done: 5, Total: 10})
	p.Update("status")
	p.Note("a note")
	p.Alert("an alert")
	p.Warn("a warning")
	p.Clear()
	p.Done("Exported 10 records")
	if got, want := b.String(), "an alert\nwarning: a warning\nExported 10 records\n"; got != want {
		t.Errorf("wrote %q, want %q", got, want)
	}
	if p.Shown() {
		t.Error("Shown: an export would ask the API for its total for nothing")
	}
	if w := p.Data(&b); w != &b {
		t.Error("data is wrapped without a live bar")
	}
}

// The rate and the time left are the run's own, from its first measure,
// and the time left is to the total it expects (an export's record limit,
// when smaller than the API's total): 10 records in 1s with 50 expected
// is 10 records/s and about 4s left.
func TestProgressBarRateAndTimeLeft(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, ProgressLive)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := t0
	p.now = func() time.Time { return at }
	p.Measure(app.Measure{Task: "Exporting", Unit: "records", Total: 50})
	at = t0.Add(time.Second)
	p.Measure(app.Measure{Task: "Exporting", Unit: "records", Done: 10, Total: 50})
	if s := b.String(); !strings.Contains(s, "Exporting: 10 records/s, about 4s left  ") || !strings.Contains(s, "(10/50)") {
		t.Errorf("%q", s)
	}
	// Resumed after 100 of 150: this run's part only, 25 in 5s.
	b.Reset()
	p = NewProgress(&b, ProgressLive)
	at = t0
	p.now = func() time.Time { return at }
	p.Measure(app.Measure{Task: "Exporting", Unit: "records", Done: 100, Base: 100, Total: 150})
	at = t0.Add(5 * time.Second)
	p.Measure(app.Measure{Task: "Exporting", Unit: "records", Done: 125, Base: 100, Total: 150})
	if s := b.String(); !strings.Contains(s, "Exporting: 5.0 records/s, about 5s left  ") || !strings.Contains(s, " 50% |") || !strings.Contains(s, "(25/50)") {
		t.Errorf("resumed: %q", s)
	}
}
