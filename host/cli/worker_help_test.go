package cli

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/store/queue"
)

// worker --help says when a dead worker's job is run again as the queue
// computes it (queue.Timeouts), at the default job time and at 2s.
func TestWorkerHelpSaysWhenAJobIsRescued(t *testing.T) {
	r := newCLI(t, false).mustRun("worker", "--help")
	help := strings.Join(strings.Fields(r.stdout), " ")
	_, at30 := queue.Timeouts(30 * time.Second)
	_, at2 := queue.Timeouts(2 * time.Second)
	want := fmt.Sprintf("after %d s at the default 30s, %d s at 2s", int(at30.Seconds()), int(at2.Seconds()))
	if !strings.Contains(help, want) {
		t.Errorf("worker --help lacks %q:\n%s", want, r.stdout)
	}
	if strings.Contains(help, "three times --job-time") {
		t.Error("worker --help still says a job is rescued after three times --job-time")
	}
}
