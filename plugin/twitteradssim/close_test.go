package twitteradssim

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestCloseWhileRequestsArrive closes servers while clients keep sending:
// Close must wait for the handlers that started and must not race with
// handlers starting as it closes (go test -race reports that race).
func TestCloseWhileRequestsArrive(t *testing.T) {
	for round := range 40 {
		srv, err := Start()
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				hc := &http.Client{Transport: &http.Transport{}}
				defer hc.CloseIdleConnections()
				for ctx.Err() == nil {
					req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/12/accounts", nil)
					if resp, err := hc.Do(req); err == nil {
						resp.Body.Close()
					}
				}
			})
		}
		time.Sleep(time.Duration(round%5) * time.Millisecond)
		srv.Close()
		cancel()
		wg.Wait()
	}
}
