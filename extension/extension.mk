# The VS Code extension: TypeScript bundle, unit tests, per-platform .vsix packages and the end-to-end suites.
# Included by the root Makefile, which defines GO, VERSION, deps-go and server.
#
#   make deps-ts         npm ci (stamped: cheap when package-lock.json is unchanged)
#   make ext             type-check and bundle extension/src into dist/extension.js
#   make test-ts         contract drift check + unit tests (node --test)
#   make vsix            one .vsix per platform target under dist/
#   make vsix-linux-x64  just that one (make run depends on it)
#   make test-vsix       the linux-x64 package holds exactly the expected files
#   make test-e2e        installs what it needs into .e2e/, then code-server + Playwright and Neovim suites

NPM ?= npm
E2E_DIR := .e2e
HOST_NODE_ARCH := $(shell uname -m | sed -e 's/^x86_64$$/x64/' -e 's/^aarch64$$/arm64/')

# Pinned tool versions; each is cached under .e2e/ in a folder named after its version.
NODE24_VERSION := 24.21.0
NPM_PIN_VERSION := 11.19.1
CODE_SERVER_VERSION := 4.139.1
PLAYWRIGHT_VERSION := 1.65.1
NODE24_DIR := $(E2E_DIR)/node-$(NODE24_VERSION)-linux-$(HOST_NODE_ARCH)
NODE24 := $(NODE24_DIR)/bin/node
NPM_PIN_DIR := $(E2E_DIR)/npm-$(NPM_PIN_VERSION)
CODE_SERVER_DIR := $(E2E_DIR)/code-server-$(CODE_SERVER_VERSION)
PLAYWRIGHT_DIR := $(E2E_DIR)/playwright-core-$(PLAYWRIGHT_VERSION)
# Node 24 first on PATH (code-server and vsce 4 need Node 22+), then the pinned npm, so a newer system npm
# cannot change how code-server's install scripts run.
NODE24_ENV := PATH="$(abspath $(NODE24_DIR))/bin:$(abspath $(NPM_PIN_DIR))/shim:$$PATH" npm_config_nodedir="$(abspath $(NODE24_DIR))"
# What the code-server suites need (chromium, and the tools to compile code-server's native modules), and
# what the Neovim suite needs.
E2E_CODE_SERVER_APT := chromium fonts-liberation build-essential python3 pkg-config \
	libsecret-1-dev libkrb5-dev libx11-dev libxkbfile-dev
E2E_NEOVIM_APT := neovim
E2E_APT_PACKAGES := $(E2E_CODE_SERVER_APT) $(E2E_NEOVIM_APT)
E2E_APT := E2E_DIR=$(E2E_DIR) CODE_SERVER_APT="$(E2E_CODE_SERVER_APT)" NEOVIM_APT="$(E2E_NEOVIM_APT)" \
	sh extension/scripts/e2e-apt.sh

EXT_NAME := go-proxy-doctor
EXT_BUNDLE := dist/extension.js
EXT_SOURCES := $(shell find extension/src -name '*.ts' 2>/dev/null) shared/contract.json tsconfig.json
# The icon (drawn by extension/scripts/icon.mjs, committed) and where the Marketplace page finds the README's
# screenshots (extension/images/screenshots/, copied from an e2e run's test-results/e2e/vscode/).
EXT_ICON := extension/images/icon.png
EXT_IMAGES_URL := https://github.com/go-proxy-doctor/go-proxy-doctor/raw/HEAD/extension/
EXT_CONTENT_URL := https://github.com/go-proxy-doctor/go-proxy-doctor/blob/HEAD/extension/
DEPS_TS_STAMP := node_modules/.deps-ts.stamp
VSIX_TARGETS := linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64
VSIX_STAGE := out/vsix
vsix_file = dist/$(EXT_NAME)-$(1)-$(VERSION).vsix
# vsce target -> GOOS/GOARCH
goos_linux-x64 := linux
goarch_linux-x64 := amd64
goos_linux-arm64 := linux
goarch_linux-arm64 := arm64
goos_darwin-x64 := darwin
goarch_darwin-x64 := amd64
goos_darwin-arm64 := darwin
goarch_darwin-arm64 := arm64
goos_win32-x64 := windows
goarch_win32-x64 := amd64

.PHONY: deps-ts ext test-ts test-vsix vsix $(addprefix vsix-,$(VSIX_TARGETS)) test-e2e deps-e2e deps-e2e-apt deps-node24 sync-contract

deps-ts: $(DEPS_TS_STAMP)
$(DEPS_TS_STAMP): package.json package-lock.json
	$(NPM) ci --no-audit --no-fund --loglevel=error
	@touch $@

ext: $(EXT_BUNDLE)
$(EXT_BUNDLE): $(EXT_SOURCES) $(DEPS_TS_STAMP)
	node_modules/.bin/tsc -p tsconfig.json --noEmit
	node extension/scripts/build.mjs

# Rewrites package.json's contributes from shared/contract.json (test-ts fails while they differ).
sync-contract:
	node extension/scripts/sync-contract.mjs

test-ts: $(DEPS_TS_STAMP)
	node extension/scripts/sync-contract.mjs --check
	node extension/scripts/icon.mjs --check
	node_modules/.bin/tsc -p tsconfig.json --noEmit
	node extension/scripts/build.mjs --unit-tests
	node --test --test-reporter=spec out/unit/*.test.js

# --- Node 24 (and a pinned npm) from the npm registry, for vsce 4 and code-server --------------------
deps-node24: $(NODE24) $(NPM_PIN_DIR)/shim/npm
$(NODE24):
	rm -rf $(NODE24_DIR).tmp && mkdir -p $(NODE24_DIR).tmp $(E2E_DIR)/dl
	$(NPM) pack --silent --pack-destination $(E2E_DIR)/dl node-linux-$(HOST_NODE_ARCH)@$(NODE24_VERSION) >/dev/null
	tar xzf $(E2E_DIR)/dl/node-linux-$(HOST_NODE_ARCH)-$(NODE24_VERSION).tgz -C $(NODE24_DIR).tmp --strip-components=1
	rm -rf $(NODE24_DIR) && mv $(NODE24_DIR).tmp $(NODE24_DIR)
	$(NODE24) --version
# npm's own bin/npm looks for npm next to node, so the pinned one is reached through shims.
$(NPM_PIN_DIR)/shim/npm:
	rm -rf $(NPM_PIN_DIR).tmp && mkdir -p $(NPM_PIN_DIR).tmp/shim $(E2E_DIR)/dl
	$(NPM) pack --silent --pack-destination $(E2E_DIR)/dl npm@$(NPM_PIN_VERSION) >/dev/null
	tar xzf $(E2E_DIR)/dl/npm-$(NPM_PIN_VERSION).tgz -C $(NPM_PIN_DIR).tmp --strip-components=1
	for t in npm npx; do \
	  printf '#!/bin/sh\nexec node "$$(dirname "$$0")/../bin/%s-cli.js" "$$@"\n' $$t > $(NPM_PIN_DIR).tmp/shim/$$t; \
	  chmod +x $(NPM_PIN_DIR).tmp/shim/$$t; \
	done
	rm -rf $(NPM_PIN_DIR) && mv $(NPM_PIN_DIR).tmp $(NPM_PIN_DIR)

# --- Packaging ------------------------------------------------------------------------------------------
# Each target is staged in out/vsix/<target>/ with exactly the allow-listed files, so a package carries only
# its own platform's binary, at bin/<target>/ (what the extension looks up as bin/<platform>-<arch>/).
vsix: $(addprefix vsix-,$(VSIX_TARGETS))

$(addprefix vsix-,$(VSIX_TARGETS)): vsix-%: $(EXT_BUNDLE) deps-node24 deps-go
	@test -n "$(VERSION)" || { echo "VERSION is empty: package.json has no version" >&2; exit 2; }
	rm -rf $(VSIX_STAGE)/$* && mkdir -p $(VSIX_STAGE)/$*/dist $(VSIX_STAGE)/$*/bin/$* dist
	CGO_ENABLED=0 GOOS=$(goos_$*) GOARCH=$(goarch_$*) $(GO) build -trimpath \
	  -ldflags "-s -w -X main.version=$(VERSION)" \
	  -o $(VSIX_STAGE)/$*/bin/$*/goproxy-doctor$(if $(filter win32-%,$*),.exe,) ./server/cmd/goproxy-doctor
	cp package.json .vscodeignore $(VSIX_STAGE)/$*/
	cp $(EXT_BUNDLE) $(VSIX_STAGE)/$*/dist/
	mkdir -p $(VSIX_STAGE)/$*/images && cp $(EXT_ICON) $(VSIX_STAGE)/$*/images/icon.png
	# The Marketplace page is the user-facing README (extension/README.md), not the developer one at the root.
	cp extension/README.md extension/CHANGELOG.md $(VSIX_STAGE)/$*/
	if [ -f LICENSE ]; then cp LICENSE $(VSIX_STAGE)/$*/; fi
	cd $(VSIX_STAGE)/$* && $(NODE24_ENV) node $(abspath node_modules/@vscode/vsce/vsce) package \
	  --target $* --no-dependencies --skip-license --allow-missing-repository \
	  --baseImagesUrl $(EXT_IMAGES_URL) --baseContentUrl $(EXT_CONTENT_URL) \
	  --out $(abspath $(call vsix_file,$*))
	node extension/scripts/vsix-files.mjs --check $(call vsix_file,$*) $*
	@echo "built $(call vsix_file,$*)"

# The linux-x64 package holds exactly the files the extension needs (each vsix-% target checks its own too).
test-vsix: vsix-linux-x64
	node extension/scripts/vsix-files.mjs --check $(call vsix_file,linux-x64) linux-x64

# --- End-to-end -----------------------------------------------------------------------------------------
# Debian packages: installed only when dpkg says one is missing, so a warm machine pays nothing; as root,
# else through sudo. Without either, it says what to install and test-e2e skips the suites that need it.
deps-e2e-apt:
	@$(E2E_APT) install $(E2E_APT_PACKAGES)

$(CODE_SERVER_DIR)/.installed: | deps-node24 deps-e2e-apt
	@echo "installing code-server $(CODE_SERVER_VERSION) (its native modules are compiled: a few minutes)"
	rm -rf $(CODE_SERVER_DIR) && mkdir -p $(CODE_SERVER_DIR)
	$(NODE24_ENV) npm install --prefix $(CODE_SERVER_DIR) --no-audit --no-fund --no-save --loglevel=error \
	  code-server@$(CODE_SERVER_VERSION)
	touch $@

$(PLAYWRIGHT_DIR)/.installed: | deps-node24
	rm -rf $(PLAYWRIGHT_DIR) && mkdir -p $(PLAYWRIGHT_DIR)
	$(NODE24_ENV) npm install --prefix $(PLAYWRIGHT_DIR) --no-audit --no-fund --no-save --loglevel=error \
	  playwright-core@$(PLAYWRIGHT_VERSION)
	touch $@

deps-e2e: deps-e2e-apt deps-node24 $(CODE_SERVER_DIR)/.installed $(PLAYWRIGHT_DIR)/.installed

# The code-server suite installs the linux-x64 .vsix; the Neovim suite runs the binary packaged in it.
E2E_RUN_ENV = GO="$(GO)" \
	E2E_NODE24_BIN="$(abspath $(NODE24_DIR))/bin" \
	E2E_CODE_SERVER="$(abspath $(CODE_SERVER_DIR))/node_modules/code-server/out/node/entry.js" \
	E2E_PLAYWRIGHT="$(abspath $(PLAYWRIGHT_DIR))/node_modules/playwright-core" \
	E2E_VSIX="$(abspath $(call vsix_file,linux-x64))" \
	E2E_SERVER_BIN="$(abspath $(VSIX_STAGE))/linux-x64/bin/linux-x64/goproxy-doctor" \
	E2E_OUT="$(abspath test-results/e2e)"
# E2E_SUITES and E2E_NODE_ARGS (e.g. --test-name-pattern=...) narrow a run while working on one step.
E2E_SUITES ?= test/e2e/vscode.test.mjs test/e2e/vscode-restricted.test.mjs test/e2e/vscode-health.test.mjs \
	test/e2e/vscode-reload.test.mjs test/e2e/vscode-explain-error.test.mjs test/e2e/vscode-intel.test.mjs \
	test/e2e/neovim.test.mjs

# Runs every suite in E2E_SUITES whose Debian packages are installed and says which it skips and why; the
# code-server suites' own dependencies are installed only when one of them runs.
test-e2e: deps-e2e-apt deps-node24 vsix-linux-x64
	@suites=$$($(E2E_APT) suites $(E2E_SUITES)); \
	if [ -z "$$suites" ]; then echo "e2e: no end-to-end suite can run here (see SKIPPED above)"; exit 0; fi; \
	case "$$suites" in *vscode*) $(MAKE) --no-print-directory $(CODE_SERVER_DIR)/.installed $(PLAYWRIGHT_DIR)/.installed || exit 1;; esac; \
	rm -rf test-results/e2e && mkdir -p test-results/e2e; \
	echo "$(NODE24) --test" $$suites; \
	$(E2E_RUN_ENV) $(NODE24) --test --test-concurrency=1 --test-timeout=600000 \
	  --test-reporter=./test/e2e/reporter.mjs --test-reporter-destination=stdout $(E2E_NODE_ARGS) $$suites
