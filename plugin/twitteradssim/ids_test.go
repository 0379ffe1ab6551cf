package twitteradssim

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestIDCodecRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, seed := range []int64{0, 1, -7, 1 << 40} {
		c := newCodec(seed)
		for i := 0; i < 20000; i++ {
			r := ref{kind: kind(1 + rng.IntN(int(kindCursor))), account: rng.IntN(maxAccount), pos: rng.Uint32()}
			id := c.encode(r)
			got, ok := c.decode(id)
			if !ok || got != r {
				t.Fatalf("seed %d: decode(encode(%+v)) = %+v, %v (id %q)", seed, r, got, ok, id)
			}
			if _, err := strconv.ParseUint(id, 36, 64); err != nil || len(id) > 11 {
				t.Fatalf("id %q is not a short base-36 string", id)
			}
		}
	}
}

func TestIDCodecRejects(t *testing.T) {
	c := newCodec(1)
	id := c.encode(ref{kind: kindCampaign, account: 0, pos: 5})
	for _, bad := range []string{"", "0" + id, strings.ToUpper(id), "zzzzzzzzzzzz", "a-b", "!"} {
		if bad == id {
			continue // an id without letters has no upper case
		}
		if r, ok := c.decode(bad); ok {
			t.Errorf("decode(%q) accepted: %+v", bad, r)
		}
	}
	if other := newCodec(2).encode(ref{kind: kindCampaign, account: 0, pos: 5}); other == id {
		t.Error("different seeds give the same ids")
	}
}

func TestBlobReaderIsDeterministic(t *testing.T) {
	a := make([]byte, 1000)
	b := make([]byte, 1000)
	BlobReader(1000).Read(a)
	r := BlobReader(1000)
	for i := 0; i < 1000; i += 7 { // odd chunk sizes
		n := min(7, 1000-i)
		r.Read(b[i : i+n])
	}
	if string(a) != string(b) {
		t.Fatal("BlobReader differs by read size")
	}
}
