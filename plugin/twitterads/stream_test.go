package twitterads

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/plugin/twitteradssim"
	"github.com/openintegrator/integrator/shared"
)

// heapWatcher samples the heap while a body is read.
type heapWatcher struct {
	r         io.Reader
	n, next   int64
	base, max uint64
}

func (h *heapWatcher) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.n += int64(n)
	if h.n >= h.next {
		h.next += 4 << 20
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		h.max = max(h.max, ms.HeapInuse)
	}
	return n, err
}

func TestStreamsALargeBody(t *testing.T) {
	size := int64(32 << 20)
	if testing.Short() {
		size = 8 << 20
	}
	srv := newSim(t)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	resp, err := newTestConnector().DoRequest(context.Background(), simConfig(srv),
		shared.Request{URL: "sim/blob", Query: params("size", strconv.FormatInt(size, 10))})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Status != 200 || resp.HeaderValue("Content-Length") != strconv.FormatInt(size, 10) {
		t.Fatalf("%d %v", resp.Status, resp.Diagnostics)
	}
	w := &heapWatcher{r: resp.Body, base: ms.HeapInuse}
	got, want := sha256.New(), sha256.New()
	n, err := io.CopyBuffer(got, w, make([]byte, 32<<10))
	if err != nil || n != size {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	io.Copy(want, twitteradssim.BlobReader(size))
	if string(got.Sum(nil)) != string(want.Sum(nil)) {
		t.Error("the body differs from the blob")
	}
	if grew := int64(w.max) - int64(w.base); grew > 16<<20 {
		t.Errorf("the heap grew by %d MiB while reading %d MiB", grew>>20, size>>20)
	}
}

func TestIdleBodyEnds(t *testing.T) {
	srv := newSim(t)
	rec := newRecorder(t, srv.Credentials)
	release := make(chan struct{})
	defer close(release)
	rec.setAnswer(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("first"))
		w.(http.Flusher).Flush()
		<-release
	})
	c := newTestConnector()
	c.bodyIdle = 200 * time.Millisecond
	resp, err := c.DoRequest(context.Background(), credsConfig(srv.Credentials, rec.URL), shared.Request{URL: "x"})
	if err != nil || resp.Status != 200 {
		t.Fatalf("%v %d", err, resp.Status)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if string(b) != "first" || err == nil || errors.Is(err, io.EOF) || !strings.Contains(err.Error(), "no data for 200ms") {
		t.Errorf("read %q, %v", b, err)
	}
}

func TestClosingTheBodyEndsTheCall(t *testing.T) {
	srv := newSim(t)
	resp, err := newTestConnector().DoRequest(context.Background(), simConfig(srv),
		shared.Request{URL: "sim/blob", Query: params("size", strconv.Itoa(1<<30))})
	if err != nil || resp.Status != 200 {
		t.Fatalf("%v %d", err, resp.Status)
	}
	buf := make([]byte, 1<<16)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	resp.Body.Close()
	if _, err := resp.Body.Read(buf); err == nil {
		t.Error("read after close")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("closing took %s", d)
	}
}
