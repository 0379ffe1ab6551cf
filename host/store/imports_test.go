package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

func TestImportLedger(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	s := open(t, home)
	if err := s.Create(ctx, conn("c1", "ads")); err != nil {
		t.Fatal(err)
	}
	run, resumed, err := s.OpenImportRun(ctx, "run1", "c1", "key1")
	if err != nil || resumed || run.ID != "run1" {
		t.Fatalf("first open: %+v %v %v", run, resumed, err)
	}
	if err := s.RecordImports(ctx, "run1", []ImportRecord{{Line: 1, State: ImportSending}, {Line: 2, State: ImportSending}, {Line: 3, State: ImportSending}}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordImports(ctx, "run1", []ImportRecord{
		{Line: 1, State: ImportOK, Status: 200, CreatedID: "abc"},
		{Line: 2, State: ImportFailed, Status: 400, Code: "INVALID_PARAMETER", Message: "name is too long"},
	}); err != nil {
		t.Fatal(err)
	}
	// Another process opens the same run and sees every state.
	other := open(t, home)
	again, resumed, err := other.OpenImportRun(ctx, "run-other", "c1", "key1")
	if err != nil || !resumed || again.ID != "run1" {
		t.Fatalf("second open: %+v %v %v", again, resumed, err)
	}
	recs, err := other.ImportRecords(ctx, "run1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]string{1: ImportOK, 2: ImportFailed, 3: ImportSending}
	if len(recs) != len(want) {
		t.Fatalf("records: %+v", recs)
	}
	for line, state := range want {
		if recs[line].State != state {
			t.Errorf("line %d: %+v, want %s", line, recs[line], state)
		}
	}
	if r := recs[1]; r.CreatedID != "abc" || r.Status != 200 {
		t.Errorf("line 1: %+v", r)
	}
	if r := recs[2]; r.Code != "INVALID_PARAMETER" || r.Message != "name is too long" {
		t.Errorf("line 2: %+v", r)
	}
	if _, resumed, _ := s.OpenImportRun(ctx, "run2", "c1", "key2"); resumed {
		t.Error("another key resumed a run")
	}
	if recs, _ := s.ImportRecords(ctx, "run2"); len(recs) != 0 {
		t.Errorf("new run has records: %v", recs)
	}
}

// TestImportLedgerConcurrentWorkers records outcomes from several
// goroutines at once, as import workers do: every write lands.
func TestImportLedgerConcurrentWorkers(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	if err := s.Create(ctx, conn("c1", "ads")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.OpenImportRun(ctx, "run1", "c1", "key1"); err != nil {
		t.Fatal(err)
	}
	const workers, each = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*2)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				line := int64(w*each + i + 1)
				if err := s.RecordImports(ctx, "run1", []ImportRecord{{Line: line, State: ImportSending}}); err != nil {
					errs <- err
				}
				if err := s.RecordImports(ctx, "run1", []ImportRecord{{Line: line, State: ImportOK, CreatedID: fmt.Sprint("id", line)}}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	recs, err := s.ImportRecords(ctx, "run1")
	if err != nil || len(recs) != workers*each {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	for line, r := range recs {
		if r.State != ImportOK || r.CreatedID != fmt.Sprint("id", line) {
			t.Errorf("line %d: %+v", line, r)
		}
	}
}
