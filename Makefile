# Go Proxy Doctor — every entry point a developer or CI needs.
#   make run    builds the server and the extension, packages the linux-x64 .vsix, checks the example workspace
#   make test   every test: Go unit/fixture/fidelity/LSP wire tests, fuzz seed corpora, TS unit tests, end-to-end
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
VERSION := $(shell sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' package.json 2>/dev/null | head -1)
BIN := bin/goproxy-doctor
EXAMPLE := examples/corp-proxy

.PHONY: all server run test test-go fuzz bench deps-go clean
all: server

deps-go:
	$(GO) mod download

server: deps-go
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o $(BIN) ./server/cmd/goproxy-doctor

# The example workspace is checked with its own GOENV file and a clean process environment so
# the output does not depend on the machine it runs on.
run: server vsix-linux-x64
	@echo; echo "== goproxy-doctor env --folder $(EXAMPLE)"; \
	$(EXAMPLE)/doctor.sh $(BIN) env; \
	echo; echo "== goproxy-doctor check --folder $(EXAMPLE)"; \
	$(EXAMPLE)/doctor.sh $(BIN) check || test $$? -eq 1

test: test-go test-ts test-e2e

test-go: deps-go
	$(GO) vet ./...
	$(GO) test -count=1 ./...

# Longer fuzzing than the seed-corpus runs in `make test`.
FUZZTIME ?= 30s
fuzz: deps-go
	@for pkg in $$($(GO) list ./server/...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

bench: server
	$(GO) run ./test/bench

clean:
	rm -rf bin dist out

include extension/extension.mk
