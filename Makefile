# integrator: a connector host for go-plugin plugins, and the Twitter Ads connector.
GO      ?= go
BIN     := bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/openintegrator/integrator/plugin/twitterads.Version=$(VERSION)

PROTO := shared/proto/connectorv1/connector.proto

.PHONY: all build generate test vet demo clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/integrator ./host/cmd/integrator
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/plugins/integrator-connector-twitter-ads ./plugin/cmd/integrator-connector-twitter-ads
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

test: vet
	$(GO) test -race ./...

clean:
	rm -rf $(BIN)
