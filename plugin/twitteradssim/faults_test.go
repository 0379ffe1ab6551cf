package twitteradssim

import (
	"crypto/sha256"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestFaultStatuses(t *testing.T) {
	srv, c := startServer(t)
	p := "/12/accounts/" + srv.AccountID
	tests := []struct {
		fault      Fault
		status     int
		code       string
		retryAfter string
	}{
		{Fault{Kind: FaultTooManyRequests, RetryAfter: 3 * time.Second}, 429, CodeTooManyRequests, ""},
		{Fault{Kind: FaultInternalError}, 500, CodeInternalError, ""},
		{Fault{Kind: FaultUnavailable}, 503, CodeServiceUnavailable, ""},
		{Fault{Kind: FaultUnavailable, RetryAfter: 1500 * time.Millisecond}, 503, CodeServiceUnavailable, "2"},
		{Fault{Kind: FaultOverCapacity, RetryAfter: time.Second}, 503, "OVER_CAPACITY", "1"},
	}
	for _, tt := range tests {
		t.Run(tt.fault.Kind.String(), func(t *testing.T) {
			srv.SetFaults(Faults{tt.fault})
			r := c.get(p)
			wantStatus(t, r, tt.status, tt.code)
			if got := r.Header.Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, tt.retryAfter)
			}
			if tt.status == 429 {
				reset, _ := strconv.ParseInt(r.Header.Get("x-rate-limit-reset"), 10, 64)
				if d := time.Until(time.Unix(reset, 0)); d < 2*time.Second || d > 4*time.Second ||
					r.Header.Get("x-account-rate-limit-remaining") != "0" {
					t.Errorf("429 headers %v", r.Header)
				}
			}
			srv.SetFaults(nil)
			wantStatus(t, c.get(p), 200, "")
		})
	}
}

func TestFaultSchedules(t *testing.T) {
	srv, c := startServer(t)
	p := "/12/accounts/" + srv.AccountID
	srv.SetFaults(Faults{{Kind: FaultInternalError, Every: 3, Path: "/accounts/"}})
	var got []int
	for i := 0; i < 7; i++ {
		got = append(got, c.get(p).Status)
	}
	want := []int{200, 200, 500, 200, 200, 500, 200}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("every 3rd: statuses %v, want %v", got, want)
		}
	}
	// Times limits firings; Method and Path narrow the match.
	srv.SetFaults(Faults{
		{Kind: FaultUnavailable, Method: "POST"},
		{Kind: FaultInternalError, Path: "/line_items", Times: 2},
	})
	wantStatus(t, c.get(p), 200, "")
	wantStatus(t, c.must(request{method: "POST", path: campaignsPath(srv)}), 503, "")
	li := "/12/accounts/" + srv.AccountID + "/line_items"
	for _, want := range []int{500, 500, 200} {
		wantStatus(t, c.get(li), want, "")
	}
	// A fraction is drawn from the seeded generator: same seed, same run.
	run := func() []int {
		s, c := startServer(t, WithSeed(5), WithFaults(Faults{{Kind: FaultInternalError, Fraction: 0.5}}))
		var out []int
		for i := 0; i < 20; i++ {
			out = append(out, c.get("/12/accounts/"+s.AccountID).Status)
		}
		return out
	}
	a, b := run(), run()
	fired := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("fraction faults differ between equal seeds: %v vs %v", a, b)
		}
		if a[i] == 500 {
			fired++
		}
	}
	if fired == 0 || fired == 20 {
		t.Errorf("fraction 0.5 fired %d of 20 times", fired)
	}
	if n := srv.Counts().Faults["internal_error"]; n != 4 {
		t.Errorf("Faults[internal_error] = %d, want 4", n)
	}
}

func TestResetBeforeAppliesNothing(t *testing.T) {
	srv, c := startServer(t)
	fi := firstFundingInstrument(t, c)
	srv.SetFaults(Faults{{Kind: FaultResetBefore, Method: "POST", Times: 1}})
	_, err := c.send(request{method: "POST", path: campaignsPath(srv), query: values(newCampaignParams(fi)...)})
	if err == nil {
		t.Fatal("want a connection error")
	}
	cnt := srv.Counts()
	if cnt.Created["campaign"] != 0 || cnt.Requests["POST /accounts/:account_id/campaigns"] != 1 || cnt.Faults["reset_before"] != 1 {
		t.Errorf("counts %+v", cnt)
	}
	wantStatus(t, c.must(request{method: "POST", path: campaignsPath(srv), query: values(newCampaignParams(fi)...)}), 200, "")
}

func TestResetAfterAppliesTheWrite(t *testing.T) {
	srv, c := startServer(t)
	fi := firstFundingInstrument(t, c)
	srv.SetFaults(Faults{{Kind: FaultResetAfter, Method: "POST", Times: 1}})
	_, err := c.send(request{method: "POST", path: campaignsPath(srv), query: values(newCampaignParams(fi)...)})
	if err == nil {
		t.Fatal("want a connection error")
	}
	cnt := srv.Counts()
	if cnt.Created["campaign"] != 1 || cnt.Requests["POST /accounts/:account_id/campaigns"] != 1 {
		t.Errorf("the POST should have been applied once: %+v", cnt)
	}
	r := c.get(campaignsPath(srv), "with_total_count", "true")
	if r.Body["total_count"] != float64(25-2+1) {
		t.Errorf("total_count %v, want 24", r.Body["total_count"])
	}
}

func TestSlowFault(t *testing.T) {
	srv, c := startServer(t)
	srv.SetFaults(Faults{{Kind: FaultSlow, Delay: 300 * time.Millisecond}})
	start := time.Now()
	wantStatus(t, c.get("/12/accounts/"+srv.AccountID), 200, "")
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("answered after %v, want at least 300ms", d)
	}
	// A client that gives up is not kept waiting.
	srv.SetFaults(Faults{{Kind: FaultSlow, Delay: time.Minute}})
	c.hc.Timeout = 200 * time.Millisecond
	if _, err := c.send(request{path: "/12/accounts/" + srv.AccountID}); err == nil {
		t.Error("want a timeout")
	}
}

func TestDownloadHostFaults(t *testing.T) {
	srv, _ := startServer(t, WithFaults(Faults{{Kind: FaultUnavailable, Download: true, RetryAfter: time.Second}}))
	resp, err := http.Get(srv.DownloadURL + "/advertiser-api-async-analytics/x.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("download fault: %d %v", resp.StatusCode, resp.Header)
	}
	if n := srv.Counts().Requests["GET (download)"]; n != 1 {
		t.Errorf("download requests %d", n)
	}
}

func TestBlobStreams(t *testing.T) {
	srv, c := startServer(t)
	const size = 5<<20 + 3
	req, _ := http.NewRequest("GET", srv.URL+"/12/sim/blob?size="+strconv.Itoa(size), nil)
	if err := c.signer.Sign(req); err != nil {
		t.Fatal(err)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.ContentLength != size {
		t.Fatalf("blob: %d, length %d", resp.StatusCode, resp.ContentLength)
	}
	got, want := sha256.New(), sha256.New()
	if n, err := io.Copy(got, resp.Body); err != nil || n != size {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	io.Copy(want, BlobReader(size))
	if string(got.Sum(nil)) != string(want.Sum(nil)) {
		t.Error("blob bytes differ from BlobReader")
	}
	wantStatus(t, c.get("/12/sim/blob"), 400, CodeMissingParameter)
	wantStatus(t, c.get("/12/sim/blob", "size", "-1"), 400, CodeInvalidParameter)
	wantStatus(t, c.must(request{path: "/12/sim/blob", query: values("size", "1"), signer: signerFor(Credentials{
		ConsumerKey: "x", ConsumerSecret: "y", AccessToken: "1-z", TokenSecret: "w"})}), 401, CodeUnauthorizedAccess)
}
