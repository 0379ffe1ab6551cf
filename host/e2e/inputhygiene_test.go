package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openintegrator/integrator/shared"
)

// TestHeaderControlCharactersAreRefusedBeforeSending: a control character
// in an `api -H` value is refused by the host before anything starts
// (exit 1, the header and the byte's place named, the value not shown),
// and by the connector itself for any caller; no request is sent.
func TestHeaderControlCharactersAreRefusedBeforeSending(t *testing.T) {
	sim := launchSimulator(t)
	env, _ := secretEnv(sim)
	home := t.TempDir()
	var hits atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer api.Close()
	mustRun(t, home, env, createArgs(sim, "c", "--set", "base_uri="+api.URL, "--no-test")...)

	const value = "tok3n\x01rest"
	r := integrator(t, home, nil, "api", "c", "accounts", "-H", "X-Api-Key: "+value)
	if r.code != 1 && r.code != 2 {
		t.Errorf("exit %d, want 1 or 2", r.code)
	}
	for _, want := range []string{"-H X-Api-Key", "control character (0x01) at byte 6"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	for _, never := range []string{"tok3n", "rest", "network", "attempt", "--resume"} {
		if strings.Contains(r.stdout+r.stderr, never) {
			t.Errorf("output holds %q:\n%s", never, r.stderr)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests reached the API", n)
	}

	// The connector refuses it too, whoever calls it.
	inst, _ := startConnectorPlugin(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, v := range []string{"a\x01b", "a\x7f", "\x1b[2J"} {
		resp, err := inst.DoRequest(ctx, sim.config("base_uri", api.URL), shared.Request{URL: "accounts", Header: []shared.Header{{Name: "X-Api-Key", Value: v}}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Status != 0 || resp.Attempts != 0 || len(resp.Diagnostics) == 0 || resp.Diagnostics[0].Code != "control_character" {
			t.Errorf("value %q: status %d, attempts %d, diagnostics %v", v, resp.Status, resp.Attempts, resp.Diagnostics)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests reached the API through the connector", n)
	}
}

// TestBaseURIWithDotSegmentsIsRefused: a base_uri whose path holds . or
// .. segments, as written or percent-encoded, is refused by Validate on
// field base_uri, at create and at edit, with or without the test.
func TestBaseURIWithDotSegmentsIsRefused(t *testing.T) {
	sim := launchSimulator(t)
	env, secretFlags := secretEnv(sim)
	home := t.TempDir()
	mustRun(t, home, env, createArgs(sim, "c")...)
	for _, base := range []string{sim.URL + "/a/../b", sim.URL + "/a/%2e%2E/b", sim.URL + "/./x", sim.URL + "/x/.."} {
		for _, args := range [][]string{
			createArgs(sim, "d", "--set", "base_uri="+base, "--no-test"),
			createArgs(sim, "d", "--set", "base_uri="+base),
			append([]string{"connections", "edit", "c", "--set", "base_uri=" + base}, secretFlags...),
		} {
			r := integrator(t, home, env, args...)
			if r.code == 0 || !strings.Contains(r.stderr, "error: base_uri:") || !strings.Contains(r.stderr, "path segment") ||
				!strings.Contains(r.stderr, "Nothing was saved") {
				t.Errorf("%s with base_uri %s: exit %d\n%s", args[1], base, r.code, r.stderr)
			}
		}
	}
	list := listConnections(t, home)
	if len(list) != 1 {
		t.Fatalf("connections: %v", list)
	}
	show := mustRun(t, home, nil, "connections", "show", "c", "--json")
	var shown struct{ Settings map[string]string }
	if err := json.Unmarshal([]byte(show.stdout), &shown); err != nil || shown.Settings["base_uri"] != sim.URL {
		t.Errorf("base_uri changed: %v\n%s", err, show.stdout)
	}
}

// TestConnectionTestWaitsOutA429Or503: create (and connections test) wait
// out an answer that asks to come back later, say so on stderr, and save
// when the next answer is good; a 429 no longer passes for accepted
// credentials when the answer after it says they are wrong.
func TestConnectionTestWaitsOutA429Or503(t *testing.T) {
	for _, fault := range []string{
		"unavailable,times=1,retry-after=1s,path=/accounts",
		"over_capacity,times=1,path=/accounts",
		"too_many_requests,times=1,retry-after=1s,path=/accounts",
	} {
		kind, _, _ := strings.Cut(fault, ",")
		t.Run(kind, func(t *testing.T) {
			sim := launchSimulator(t, "--fault", fault)
			env, _ := secretEnv(sim)
			home := t.TempDir()
			r := mustRun(t, home, env, createArgs(sim, "c")...)
			if !strings.Contains(r.stderr, "connection test: the API answered") || !strings.Contains(r.stderr, "trying again") ||
				!strings.Contains(r.stderr, "Connection test: ok") || strings.Contains(r.stderr, "throttling") {
				t.Errorf("create stderr:\n%s", r.stderr)
			}
			list := listConnections(t, home)
			if len(list) != 1 {
				t.Fatalf("connections: %v", list)
			}
			if lt, _ := list[0]["last_test"].(map[string]any); lt == nil || lt["ok"] != true {
				t.Errorf("last test: %v", list[0]["last_test"])
			}
		})
	}

	t.Run("connections test", func(t *testing.T) {
		_, home := flowHome(t, "--fault", "unavailable,times=1,retry-after=1s,path=/accounts")
		r := mustRun(t, home, nil, "connections", "test", "Prod")
		if !strings.Contains(r.stderr, "trying again") {
			t.Errorf("stderr:\n%s", r.stderr)
		}
	})

	t.Run("429 then wrong credentials", func(t *testing.T) {
		sim := launchSimulator(t, "--fault", "too_many_requests,times=1,retry-after=1s,path=/accounts")
		env, _ := secretEnv(sim)
		home := t.TempDir()
		r := integrator(t, home, append(env, "TW_CS=wrong-consumer-secret"), createArgs(sim, "c")...)
		if r.code != 1 || !strings.Contains(r.stderr, "authentication failed") || !strings.Contains(r.stderr, "Nothing was saved") {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
		if list := listConnections(t, home); len(list) != 0 {
			t.Errorf("saved: %v", list)
		}
	})
}
