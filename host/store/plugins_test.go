package store

import (
	"context"
	"errors"
	"sync"
	"testing"
)

func TestPluginTrust(t *testing.T) { eachBackend(t, testPluginTrust) }

func testPluginTrust(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	if _, err := s.Plugin(ctx, "demo"); !errors.Is(err, ErrPluginUnknown) {
		t.Fatalf("unknown type: err = %v", err)
	}

	first := PluginRecord{Type: "demo", Path: "/a/integrator-connector-demo", SHA256: "aa"}
	got, err := s.TrustFirst(ctx, first)
	if err != nil || got.SHA256 != "aa" || got.TrustedAt.IsZero() {
		t.Fatalf("first use: %+v %v", got, err)
	}
	// A second first use with another binary does not replace it.
	got, err = s.TrustFirst(ctx, PluginRecord{Type: "demo", Path: "/b/integrator-connector-demo", SHA256: "bb"})
	if err != nil || got.SHA256 != "aa" || got.Path != first.Path {
		t.Fatalf("second first use: %+v %v", got, err)
	}

	// The cache is updated only for the trusted checksum.
	ok, err := s.CachePlugin(ctx, PluginRecord{Type: "demo", Path: "/c/x", SHA256: "aa", Version: "1.0.0", Protocol: 1, SpecJSON: `{"v":1}`})
	if err != nil || !ok {
		t.Fatalf("cache: %v %v", ok, err)
	}
	if ok, err := s.CachePlugin(ctx, PluginRecord{Type: "demo", SHA256: "bb", SpecJSON: "{}"}); err != nil || ok {
		t.Fatalf("cache for an untrusted checksum: %v %v", ok, err)
	}
	got, _ = s.Plugin(ctx, "demo")
	if got.Version != "1.0.0" || got.Protocol != 1 || got.SpecJSON != `{"v":1}` || got.Path != "/c/x" {
		t.Errorf("after cache: %+v", got)
	}

	// Trust replaces the record, cache included.
	if err := s.Trust(ctx, PluginRecord{Type: "demo", Path: "/b/x", SHA256: "bb", Version: "2.0.0", Protocol: 1}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Plugin(ctx, "demo")
	if got.SHA256 != "bb" || got.Version != "2.0.0" || got.SpecJSON != "" {
		t.Errorf("after trust: %+v", got)
	}
	if err := s.Trust(ctx, PluginRecord{Type: "other", Path: "/o", SHA256: "cc"}); err != nil {
		t.Fatal(err)
	}
	all, err := s.Plugins(ctx)
	if err != nil || len(all) != 2 || all[0].Type != "demo" || all[1].Type != "other" {
		t.Errorf("list: %+v %v", all, err)
	}
}

// TestTrustFirstRace has two stores (two host processes) trust different
// binaries of one type at once: exactly one wins and both see it.
func TestTrustFirstRace(t *testing.T) { eachBackend(t, testTrustFirstRace) }

func testTrustFirstRace(t *testing.T, be backend) {
	ctx := context.Background()
	home := be.place(t)
	a, b := open(t, home), open(t, home)
	for i := 0; i < 10; i++ {
		typ := "t" + string(rune('a'+i))
		var wg sync.WaitGroup
		res := make([]PluginRecord, 2)
		for j, s := range []*Store{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := s.TrustFirst(ctx, PluginRecord{Type: typ, Path: "/p", SHA256: []string{"aa", "bb"}[j]})
				if err != nil {
					t.Error(err)
				}
				res[j] = r
			}()
		}
		wg.Wait()
		if res[0].SHA256 != res[1].SHA256 {
			t.Errorf("%s: the two hosts disagree: %q and %q", typ, res[0].SHA256, res[1].SHA256)
		}
	}
}
