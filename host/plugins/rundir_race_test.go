package plugins

import (
	"path/filepath"
	"sync"
	"testing"
)

// Hosts that start at the same moment sweep each other's folders while
// they are being made: none of them may fail for it. (A folder swept
// between its making and its lock made OpenRunDir fail with "no such file
// or directory" instead of making another.)
func TestRunDirsMadeAtOnceAllOpen(t *testing.T) {
	base := filepath.Join(t.TempDir(), "run")
	var wg sync.WaitGroup
	errs := make(chan error, 8*100)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				d, err := OpenRunDir(base)
				if err != nil {
					errs <- err
					return
				}
				d.Close()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
