package flows

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/openintegrator/integrator/shared"
)

// meterRecorder is a recorder that is a Meter too: it keeps the measures.
type meterRecorder struct {
	recorder
	mmu      sync.Mutex
	measures []Measure
}

func (m *meterRecorder) Measure(x Measure) {
	m.mmu.Lock()
	defer m.mmu.Unlock()
	m.measures = append(m.measures, x)
}

// An export measures its records against the total it expects: the
// API's total, or --max-records when that is smaller, so that the bar's
// time left is to the limit; the progress line says the same.
func TestExportMeasuresToTheRecordLimit(t *testing.T) {
	for _, tt := range []struct {
		maxRecords, want int64
	}{{30, 30}, {0, 100}, {500, 100}} {
		api := &listAPI{n: 100}
		p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) { return api.serve(req), nil })
		x := testExport(t, testStore(t), p, filepath.Join(t.TempDir(), "out.jsonl"))
		x.MaxRecords = tt.maxRecords
		pr := &meterRecorder{recorder: recorder{shown: true}}
		x.Progress = pr
		if _, err := x.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(pr.measures) < 2 {
			t.Fatalf("--max-records %d: no measure", tt.maxRecords)
		}
		// The first is the start, before the API said its total.
		if m := pr.measures[0]; m.Done != 0 || m.Total != tt.maxRecords {
			t.Errorf("--max-records %d: the start's measure %+v", tt.maxRecords, m)
		}
		for _, m := range pr.measures[1:] {
			if m.Total != tt.want || m.Task != "Exporting" || m.Unit != "records" || m.Done > tt.want {
				t.Errorf("--max-records %d: measure %+v, want a total of %d", tt.maxRecords, m, tt.want)
			}
		}
		if want := " of " + count(tt.want) + " ("; !strings.Contains(pr.String(), want) {
			t.Errorf("--max-records %d: the progress lines do not say %q:\n%s", tt.maxRecords, want, pr.String())
		}
	}
}

// An import measures its records against the records of its input, from
// the start, with its outcomes so far as the note.
func TestImportMeasuresItsRecords(t *testing.T) {
	dir := t.TempDir()
	api := newWritesAPI()
	p, _ := fakePlugin(api.serve)
	in := writeLines(t, filepath.Join(dir, "in.jsonl"), `{"account_id":"a1","name":"one"}`, `{"account_id":"a1","name":"two"`, `{"account_id":"a1","name":"three"}`)
	im := testImport(testStore(t), p, in, dir)
	pr := &meterRecorder{recorder: recorder{shown: true}}
	im.Progress = pr
	if _, err := im.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(pr.measures) < 2 || pr.measures[0].Done != 0 {
		t.Fatalf("measures %+v", pr.measures)
	}
	for _, m := range pr.measures {
		if m.Task != "Importing" || m.Unit != "records" || m.Total != 3 {
			t.Errorf("measure %+v", m)
		}
	}
	if last := pr.measures[len(pr.measures)-1]; last.Done != 3 || last.Note != "2 ok, 1 failed, 0 unknown" {
		t.Errorf("the last measure %+v", last)
	}
}
