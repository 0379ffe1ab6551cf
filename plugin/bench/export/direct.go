package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"

	"github.com/openintegrator/integrator/plugin/oauth1"
	"github.com/openintegrator/integrator/plugin/twitteradssim"
)

// direct is the minimal client: one signed GET per page, the page decoded,
// its records written as JSON Lines. No retries, no checkpoints.
type direct struct {
	sim    twitteradssim.Ready
	count  int
	client *http.Client
	signer *oauth1.Signer
}

func newDirect(sim twitteradssim.Ready, count int) *direct {
	return &direct{sim: sim, count: count, client: &http.Client{},
		signer: &oauth1.Signer{ConsumerKey: sim.ConsumerKey, ConsumerSecret: sim.ConsumerSecret,
			Token: sim.AccessToken, TokenSecret: sim.TokenSecret}}
}

// export pages through the campaigns into path and returns the records.
func (d *direct) export(path string) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 256<<10)
	var n int64
	cursor := ""
	for {
		q := url.Values{"count": {strconv.Itoa(d.count)}, "with_deleted": {"true"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		req, err := http.NewRequest(http.MethodGet, d.sim.URL+"/12/accounts/"+d.sim.AccountID+"/campaigns?"+q.Encode(), nil)
		if err != nil {
			return n, err
		}
		if err := d.signer.Sign(req); err != nil {
			return n, err
		}
		resp, err := d.client.Do(req)
		if err != nil {
			return n, err
		}
		var page struct {
			Data       []json.RawMessage `json:"data"`
			NextCursor *string           `json:"next_cursor"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return n, err
		}
		if resp.StatusCode != http.StatusOK {
			return n, fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		for _, r := range page.Data {
			w.Write(r)
			w.WriteByte('\n')
			n++
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	if err := w.Flush(); err != nil {
		return n, err
	}
	return n, f.Close()
}
