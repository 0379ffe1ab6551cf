package httpconn

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/shared"
)

// blob is size bytes of a seeded pseudo-random stream.
func blob(size int64) io.Reader {
	return io.LimitReader(rand.NewChaCha8([32]byte{'b', 'l', 'o', 'b'}), size)
}

// serveBlob answers with a blob of the size in the query, flushed as it
// is written.
func serveBlob(w http.ResponseWriter, r *http.Request) {
	size, _ := strconv.ParseInt(r.URL.Query().Get("size"), 10, 64)
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	io.Copy(w, blob(size))
}

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
	a := newAPI(t)
	a.setAnswer(serveBlob)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	resp, err := newTestEngine(Options{}).Do(context.Background(), testConn(t, a.URL),
		shared.Request{URL: "blob", Query: params("size", strconv.FormatInt(size, 10))})
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
	io.Copy(want, blob(size))
	if string(got.Sum(nil)) != string(want.Sum(nil)) {
		t.Error("the body differs from the blob")
	}
	if grew := int64(w.max) - int64(w.base); grew > 16<<20 {
		t.Errorf("the heap grew by %d MiB while reading %d MiB", grew>>20, size>>20)
	}
}

func TestIdleBodyEnds(t *testing.T) {
	a := newAPI(t)
	release := make(chan struct{})
	defer close(release)
	a.setAnswer(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("first"))
		w.(http.Flusher).Flush()
		<-release
	})
	e := newTestEngine(Options{BodyIdle: 200 * time.Millisecond})
	resp, err := e.Do(context.Background(), testConn(t, a.URL), shared.Request{URL: "x"})
	if err != nil || resp.Status != 200 {
		t.Fatalf("%v %d", err, resp.Status)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if string(b) != "first" || err == nil || errors.Is(err, io.EOF) || !strings.Contains(err.Error(), "no data for 200ms") {
		t.Errorf("read %q, %v", b, err)
	}
}

// TestClosingTheBodyEndsTheCall: closing a body half read ends the
// connection, so the server stops sending.
func TestClosingTheBodyEndsTheCall(t *testing.T) {
	const size = 1 << 30
	a := newAPI(t)
	written := make(chan int64, 1)
	a.setAnswer(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(size))
		n, _ := io.Copy(w, blob(size))
		written <- n
	})
	resp, err := newTestEngine(Options{}).Do(context.Background(), testConn(t, a.URL), shared.Request{URL: "blob"})
	if err != nil || resp.Status != 200 {
		t.Fatalf("%v %d", err, resp.Status)
	}
	buf := make([]byte, 1<<16)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := resp.Body.Read(buf); err == nil {
		t.Error("read after close")
	}
	if n := <-written; n == size {
		t.Error("the server sent the whole body after it was closed")
	}
}
