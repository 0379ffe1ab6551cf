package flows

import (
	"strings"
	"testing"
	"time"
)

// One page and one record read as such in the progress line and in what
// a stopped export says it saved.
func TestOneIsSingular(t *testing.T) {
	if got := exportStatus(&exportState{pages: 1, records: 1}, 0, 1, time.Second, 0); !strings.HasPrefix(got, "Exporting: 1 page, 1 record,") {
		t.Errorf("status %q", got)
	}
	if got := exportStatus(&exportState{pages: 2, records: 1500}, 0, 1500, time.Second, 0); !strings.HasPrefix(got, "Exporting: 2 pages, 1,500 records,") {
		t.Errorf("status %q", got)
	}
	for _, tt := range []struct {
		records, pages int64
		want           string
	}{
		{1, 1, "1 record in 1 page is saved"},
		{14, 2, "14 records in 2 pages are saved"},
		{0, 1, "0 records in 1 page are saved"},
	} {
		if got := savedNote(tt.records, tt.pages); got != tt.want {
			t.Errorf("savedNote(%d, %d) = %q, want %q", tt.records, tt.pages, got, tt.want)
		}
	}
}
