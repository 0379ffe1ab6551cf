package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/openintegrator/integrator/host/app"
)

// meterBar draws a run's measures as a progress bar, with the rate and,
// when the total is known, the time left to it:
//
//	Exporting: 960 records/s, about 1s left  40% |████████            | (480/1200)
//
// and, without a total, a spinner with the count and the rate:
//
//	⠋ Exporting: 480 records, 960/s
//
// The drawing is github.com/schollz/progressbar/v3's, driven
// synchronously: it renders only when called, under the Progress's lock,
// so clearing it before another line is a write like any other (no
// goroutine of its own: the spinner's timer is off). The rate and time
// left are the run's own, counted from its first measure (the run's
// start; a resumed run's part only), so that they hold from the first
// frame and across the total an export learns from its first page (the
// library's estimate restarts with each bar).
type meterBar struct {
	w     io.Writer
	bar   *progressbar.ProgressBar
	total int64       // the bar's total; 0: a spinner
	from  app.Measure // the first measure: the run's task, unit, start count
	start time.Time   // when it came
	shown bool        // on screen now
	last  time.Time   // when it was last drawn
}

// barWidth is the width of the bar itself, in cells.
const barWidth = 20

func newMeterBar(w io.Writer, m app.Measure, now time.Time) *meterBar {
	return &meterBar{w: w, from: m, start: now}
}

// make makes the bar for total (0: unknown) with its first description.
func (b *meterBar) make(total int64, desc string) {
	b.total = total
	max := int64(-1) // a spinner
	if total > 0 {
		max = total - b.from.Done
	}
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(b.w),
		progressbar.OptionUseANSICodes(true),
		progressbar.OptionSetWidth(barWidth),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionSetElapsedTime(false),
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionThrottle(0),
		progressbar.OptionSetDescription(desc),
	}
	if max > 0 {
		opts = append(opts, progressbar.OptionShowCount()) // (480/1200); a spinner's count is in its description
	}
	b.bar = progressbar.NewOptions64(max, opts...)
}

// fits reports whether the bar is of m's run: its task, unit and base.
func (b *meterBar) fits(m app.Measure) bool {
	return b.from.Task == m.Task && b.from.Unit == m.Unit && b.from.Base == m.Base && m.Done >= b.from.Done
}

// update sets the bar to m, drawing it at most every liveEvery, and at
// once when it was not on screen or reaches its total. A total learnt
// since makes a new bar (the rate is the run's own, kept).
func (b *meterBar) update(m app.Measure, now time.Time) {
	switch {
	case !b.shown && m.Done == b.from.Done:
		return // nothing to show yet: drawn from the first count on
	case b.shown && now.Sub(b.last) < liveEvery && (m.Total <= 0 || m.Done < m.Total):
		return
	}
	desc := b.describe(m, now)
	if b.bar == nil || m.Total != b.total {
		if b.shown {
			b.bar.Clear()
		}
		b.make(m.Total, desc)
	} else {
		b.bar.Describe(desc)
	}
	b.last, b.shown = now, true
	done := m.Done - b.from.Done
	if m.Total > 0 {
		done = min(done, m.Total-b.from.Done)
	}
	b.bar.Set64(done) // the frame that stays
}

// describe is the text before the bar: the task, the rate and the time
// left (or, for a spinner, the count and the rate), and the run's note.
// It is made before the bar, for m's total.
func (b *meterBar) describe(m app.Measure, now time.Time) string {
	var s string
	elapsed := now.Sub(b.start)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(m.Done-b.from.Done) / elapsed.Seconds()
	}
	if m.Total > 0 {
		s = fmt.Sprintf("%s: %s %s/s", m.Task, perSecond(rate), m.Unit)
		if left := m.Total - m.Done; left > 0 && rate > 0 {
			s += ", about " + timeLeft(float64(left)/rate) + " left"
		}
	} else {
		s = fmt.Sprintf("%s: %d %s, %s/s", m.Task, m.Done, m.Unit, perSecond(rate))
	}
	if m.Note != "" {
		s += " (" + m.Note + ")"
	}
	if m.Total > 0 {
		s += " "
	}
	return s
}

// timeLeft writes seconds as a duration, in whole seconds, at least 1s.
func timeLeft(seconds float64) string {
	d := time.Duration(seconds * float64(time.Second))
	return max(d.Round(time.Second), time.Second).String()
}

// perSecond writes a rate: whole numbers, one decimal below 10.
func perSecond(r float64) string {
	if r < 10 {
		return fmt.Sprintf("%.1f", r)
	}
	return fmt.Sprintf("%.0f", r)
}

// clear removes the bar from the screen.
func (b *meterBar) clear() {
	if b.shown {
		b.bar.Clear()
		b.shown = false
	}
}

// redraw puts the bar back on the screen as it was.
func (b *meterBar) redraw() {
	b.shown = true
	b.bar.RenderBlank()
}
