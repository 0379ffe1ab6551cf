# integrator: a connector host for go-plugin plugins, and the Twitter Ads connector.
GO      ?= go
BIN     := bin
# A semantic version, as plugins report theirs (the conformance suite checks
# it): a tag vX.Y.Z gives X.Y.Z (X.Y.Z-N-gHASH past it); without one,
# 0.1.0-dev+HASH.
VERSION ?= $(shell git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null | sed 's/^v//' | grep . || echo "0.1.0-dev+$$(git describe --always --dirty 2>/dev/null || echo unknown)")
LDFLAGS := -s -w -X github.com/openintegrator/integrator/host/cli.Version=$(VERSION) \
           -X github.com/openintegrator/integrator/plugin/twitterads.Version=$(VERSION) \
           -X github.com/openintegrator/integrator/plugin/httpoauth1.Version=$(VERSION)

PROTO := shared/proto/connectorv1/connector.proto

.PHONY: all build generate test test-postgres vet demo console clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/integrator ./host/cmd/integrator
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/plugins/integrator-connector-twitter-ads ./plugin/cmd/integrator-connector-twitter-ads
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/plugins/integrator-connector-http ./plugin/cmd/integrator-connector-http
	$(GO) build -trimpath -o $(BIN)/twitter-ads-sim ./plugin/cmd/twitter-ads-sim

# Regenerates the protobuf code. Needs protoc (Debian: protobuf-compiler); the
# Go generators are pinned as tool dependencies in go.mod.
generate:
	$(GO) build -o $(BIN)/tools/protoc-gen-go google.golang.org/protobuf/cmd/protoc-gen-go
	$(GO) build -o $(BIN)/tools/protoc-gen-go-grpc google.golang.org/grpc/cmd/protoc-gen-go-grpc
	protoc --plugin=protoc-gen-go=$(BIN)/tools/protoc-gen-go \
	       --plugin=protoc-gen-go-grpc=$(BIN)/tools/protoc-gen-go-grpc \
	       --go_out=. --go_opt=paths=source_relative \
	       --go-grpc_out=. --go-grpc_opt=paths=source_relative \
	       $(PROTO)

vet:
	$(GO) vet ./...

# The store's contract tests run against PostgreSQL too when
# INTEGRATOR_TEST_POSTGRES names a server (a postgres:// URL); without it
# their PostgreSQL half is skipped, and this says so.
test: vet
	$(GO) test -race -timeout 30m ./...
	@if [ -z "$$INTEGRATOR_TEST_POSTGRES" ]; then \
	  echo "make test: INTEGRATOR_TEST_POSTGRES is not set, so the PostgreSQL tests were SKIPPED; run 'make test-postgres' (a throwaway local server) to run them"; \
	else echo "make test: the PostgreSQL tests ran against $$(echo "$$INTEGRATOR_TEST_POSTGRES" | sed 's#://[^@]*@#://***@#')"; fi

# The whole suite with the PostgreSQL tests, against a throwaway server on
# a free loopback port (needs PostgreSQL's server: apt-get install -y postgresql).
test-postgres:
	.ci/with-postgres $(MAKE) test

# The main job against the in-repo X Ads API simulator: no credentials, no network.
demo: build
	@set -eu; \
	tmp=$$(mktemp -d); sim=; \
	trap '[ -n "$$sim" ] && kill $$sim 2>/dev/null; rm -rf "$$tmp"' EXIT INT TERM; \
	export INTEGRATOR_HOME="$$tmp/home"; \
	$(BIN)/twitter-ads-sim --addr 127.0.0.1:0 --campaigns 1200 --job-delay 1s >"$$tmp/sim.json" 2>"$$tmp/sim.log" & sim=$$!; \
	for i in $$(seq 100); do [ -s "$$tmp/sim.json" ] && break; sleep 0.1; done; \
	field() { sed -n "s/.*\"$$1\":\"\([^\"]*\)\".*/\1/p" "$$tmp/sim.json"; }; \
	URL=$$(field url); ACCOUNT=$$(field account_id); \
	export DEMO_CONSUMER_SECRET=$$(field consumer_secret) DEMO_ACCESS_TOKEN=$$(field access_token) DEMO_TOKEN_SECRET=$$(field token_secret); \
	step() { printf '\n\033[1m$$ %s\033[0m\n' "$$*"; "$$@"; }; \
	echo "X Ads API simulator at $$URL (ads account $$ACCOUNT); integrator home $$INTEGRATOR_HOME"; \
	step $(BIN)/integrator connectors list; \
	step $(BIN)/integrator connections create --type twitter-ads --name demo \
	  --set consumer_key=$$(field consumer_key) --set base_uri=$$URL --set account_id=$$ACCOUNT \
	  --secret-env consumer_secret=DEMO_CONSUMER_SECRET --secret-env access_token=DEMO_ACCESS_TOKEN \
	  --secret-env token_secret=DEMO_TOKEN_SECRET; \
	step $(BIN)/integrator connections list; \
	step $(BIN)/integrator connections show demo; \
	step $(BIN)/integrator api demo accounts/$$ACCOUNT/campaigns -F count=2 -F sort_by=name-asc; echo; \
	FI=$$($(BIN)/integrator api demo accounts/$$ACCOUNT/funding_instruments | sed -n 's/.*"id":"\([^"]*\)".*/\1/p' | head -n1); \
	step $(BIN)/integrator api demo -X POST accounts/$$ACCOUNT/campaigns -F name="Demo spring sale" \
	  -F funding_instrument_id=$$FI -F daily_budget_amount_local_micro=5000000 -F entity_status=PAUSED; echo; \
	step $(BIN)/integrator connections test demo; \
	step $(BIN)/integrator export demo accounts/$$ACCOUNT/campaigns -F count=1000 --out "$$tmp/campaigns.jsonl" --progress plain; \
	printf '%s campaigns in %s (deleted ones are left out); the first:\n' "$$(wc -l <"$$tmp/campaigns.jsonl")" "$$tmp/campaigns.jsonl"; head -n1 "$$tmp/campaigns.jsonl" | cut -c1-200; \
	step $(BIN)/integrator export demo accounts/$$ACCOUNT/campaigns -F count=1000 -F with_deleted=true --out "$$tmp/all-campaigns.jsonl" --progress plain; \
	printf '%s campaigns with the deleted ones (-F with_deleted=true)\n' "$$(wc -l <"$$tmp/all-campaigns.jsonl")"; \
	CAMPAIGN=$$(head -n1 "$$tmp/campaigns.jsonl" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p'); \
	for i in 1 2 3 4 5; do \
	  printf '{"account_id":"%s","campaign_id":"%s","name":"Demo line item %s","objective":"ENGAGEMENTS","product_type":"PROMOTED_TWEETS","placements":["ALL_ON_TWITTER"],"bid_amount_local_micro":1500000,"entity_status":"PAUSED"}\n' "$$ACCOUNT" "$$CAMPAIGN" "$$i"; \
	done >"$$tmp/line_items.jsonl"; \
	step $(BIN)/integrator import demo -X POST 'accounts/{account_id}/line_items' --in "$$tmp/line_items.jsonl" \
	  --batch-path 'batch/accounts/{account_id}/line_items' --results "$$tmp/results.jsonl" --progress plain; \
	cat "$$tmp/results.jsonl"; \
	IDS=$$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$$tmp/results.jsonl" | paste -sd, -); \
	step $(BIN)/integrator report demo --account $$ACCOUNT --entity LINE_ITEM --ids $$IDS --start 2026-01-01 --end 2026-01-08 \
	  --granularity DAY --metrics ENGAGEMENT --out "$$tmp/report.jsonl" --poll-interval 500ms --progress plain; \
	printf '%s report rows; the first:\n' "$$(wc -l <"$$tmp/report.jsonl")"; head -n1 "$$tmp/report.jsonl" | cut -c1-200; \
	step $(BIN)/integrator keys rotate; \
	step $(BIN)/integrator connections test demo; \
	printf '\nDemo complete: exported %s campaigns, imported %s line items in one batch, and wrote %s report rows;\n' \
	  "$$(wc -l <"$$tmp/campaigns.jsonl")" "$$(grep -c '"result":"ok"' "$$tmp/results.jsonl")" "$$(wc -l <"$$tmp/report.jsonl")"; \
	printf 'secrets were sealed in %s and never shown.\n' "$$INTEGRATOR_HOME/integrator.db"

# The web console over the X Ads API simulator, with a connection "demo" to
# it ready: prints the console's link (and opens the browser; make console
# CONSOLE_FLAGS=--no-browser does not). Ctrl-C stops both.
CONSOLE_FLAGS ?=
console: build
	@set -eu; \
	tmp=$$(mktemp -d); sim=; \
	trap '[ -n "$$sim" ] && kill $$sim 2>/dev/null; rm -rf "$$tmp"' EXIT INT TERM; \
	export INTEGRATOR_HOME="$$tmp/home"; \
	$(BIN)/twitter-ads-sim --addr 127.0.0.1:0 --campaigns 1200 --job-delay 1s >"$$tmp/sim.json" 2>"$$tmp/sim.log" & sim=$$!; \
	for i in $$(seq 100); do [ -s "$$tmp/sim.json" ] && break; sleep 0.1; done; \
	field() { sed -n "s/.*\"$$1\":\"\([^\"]*\)\".*/\1/p" "$$tmp/sim.json"; }; \
	export DEMO_CONSUMER_SECRET=$$(field consumer_secret) DEMO_ACCESS_TOKEN=$$(field access_token) DEMO_TOKEN_SECRET=$$(field token_secret); \
	$(BIN)/integrator connections create --type twitter-ads --name demo \
	  --set consumer_key=$$(field consumer_key) --set base_uri=$$(field url) --set account_id=$$(field account_id) \
	  --secret-env consumer_secret=DEMO_CONSUMER_SECRET --secret-env access_token=DEMO_ACCESS_TOKEN \
	  --secret-env token_secret=DEMO_TOKEN_SECRET >/dev/null; \
	echo "X Ads API simulator at $$(field url) (ads account $$(field account_id)); a connection \"demo\" to it is ready. Ctrl-C stops." >&2; \
	$(BIN)/integrator console $(CONSOLE_FLAGS) || true

clean:
	rm -rf $(BIN)
