# Writeback Preflight. `make demo` and `make test` work on a fresh Debian 12 machine with Swift:
# each installs what is missing first (scripts/setup.sh; needs root for apt-get). `make build` installs only the
# libraries it links; `make package` and `make install` add dpkg-dev (docs/install.md).
SWIFT        ?= swift
LAB          ?= .lab
DEMO_DC_IP   ?= 127.0.0.5
BIN          := .build/debug/preflight

.PHONY: all setup setup-build setup-package build release manual package install lab demo demo-cloud-sync test docs fixtures fuzz bench bench-directory bench-network bench-inventory bench-render clean

all: build

setup:
	@bash scripts/setup.sh

setup-build:
	@bash scripts/setup.sh build

setup-package:
	@bash scripts/setup.sh package

# A target may import only the targets Package.swift declares for it: the compiler keeps the layers (README "Architecture").
LAYERS_CHECK := --explicit-target-dependency-import-check=error

build: setup-build
	$(SWIFT) build $(LAYERS_CHECK)

# The release binary the packages ship: the Swift runtime linked in, so it runs where Swift is not installed.
RELEASE_FLAGS := -c release --static-swift-stdlib
PREFIX       ?= /usr/local
DESTDIR      ?=
MANUAL       := .build/plugins/GenerateManual/outputs/preflight/preflight.1

release: setup-package
	$(SWIFT) build $(RELEASE_FLAGS) $(LAYERS_CHECK) --product preflight

# The man page, by ArgumentParser's GenerateManual plugin from the debug build (the same commands, options and help).
manual: build
	$(SWIFT) package generate-manual --configuration debug --authors "Writeback Preflight maintainers" >/dev/null
	@test -s $(MANUAL) || { echo "make manual: the plugin wrote no $(MANUAL)" >&2; exit 1; }

# dist/preflight_<version>_amd64.deb and dist/preflight-<version>-linux-x86_64.tar.gz (docs/install.md).
package: release manual
	@bash scripts/package/package.sh "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)" $(MANUAL)

# The same layout under $(PREFIX) (and $(DESTDIR)): bin/preflight, share/preflight/, the man page, completions, docs.
install: release manual
	@PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" bash scripts/package/install.sh "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)" $(MANUAL)

# The Samba AD lab template the directory tests and the demo use (cached by a hash of scripts/lab).
lab: setup
	@bash scripts/lab/build-template.sh $(LAB)

demo: build lab
	@rm -rf examples/demo/reports
	@PREFLIGHT_DEMO_PASSWORD='Read3r!Passw0rd' bash scripts/lab/with-dc.sh $(LAB)/scenario.tar.zst $(DEMO_DC_IP) smb -- \
		bash scripts/netlab/with-netlab.sh examples/demo/netlab.json examples/demo/.netlab -- \
		bash -c '$(BIN) run --config examples/demo/preflight.yml --format md,json,html,csv,users-csv,subjects-csv --out examples/demo/reports; s=$$?; \
		  $(BIN) run --config examples/demo/preflight.yml --phase health --out examples/demo/reports/health --quiet; \
		  h=$$?; echo "Health run (after go-live, --phase health): examples/demo/reports/health/latest.md (exit code $$h)"; \
		  $(BIN) run --config examples/demo/preflight-cloud-sync.yml --out examples/demo/reports/cloud-sync --quiet; \
		  c=$$?; echo "Cloud Sync variant (topology cloud-sync): examples/demo/reports/cloud-sync/latest.md (exit code $$c)"; \
		  case $$c in 0|1|2) exit $$s;; *) exit $$c;; esac'; \
	status=$$?; \
	echo "Reports: examples/demo/reports/latest.md, latest.html (open it in a browser; print it to PDF), latest.json, latest.csv (the action plan), latest.users.csv and latest.subjects.csv (exit code $$status)"; \
	case $$status in 0|1|2) exit 0;; *) exit $$status;; esac

# The Cloud Sync variant alone (make demo runs it too): examples/demo/preflight-cloud-sync.yml, docs/cloud-sync.md.
demo-cloud-sync: build lab
	@rm -rf examples/demo/reports/cloud-sync
	@PREFLIGHT_DEMO_PASSWORD='Read3r!Passw0rd' bash scripts/lab/with-dc.sh $(LAB)/scenario.tar.zst $(DEMO_DC_IP) smb -- \
		bash scripts/netlab/with-netlab.sh examples/demo/netlab.json examples/demo/.netlab -- \
		$(BIN) run --config examples/demo/preflight-cloud-sync.yml --out examples/demo/reports/cloud-sync; \
	status=$$?; \
	echo "Reports: examples/demo/reports/cloud-sync/latest.md and latest.json (exit code $$status)"; \
	case $$status in 0|1|2) exit 0;; *) exit $$status;; esac

# The bare-Debian test (BareDebianTests) installs dist/'s .deb into a fresh Debian 12 root: make package first.
test: setup lab package
	@SWIFT="$(SWIFT)" SWIFT_TEST_FLAGS="$(LAYERS_CHECK)" bash scripts/test.sh $(abspath $(LAB))/scenario.tar.zst

# docs/checks.md's check table, generated from the catalog (DocsDriftTests fails when it drifts).
docs: build
	@bash scripts/docs.sh

# The fixtures and demo files scripts/fixtures generates (FixtureProvenanceTests fails when they drift).
fixtures:
	@bash scripts/fixtures/generate.sh

# libFuzzer harnesses for every parser of untrusted input (Fuzz/, README "Fuzzing"): each runs FUZZ_SECONDS (30);
# FUZZ_TARGETS="SID EventLog" picks some, FUZZ_JOBS=2 runs two at a time. Fails on a crash, a leak or a timeout.
fuzz: setup
	@SWIFT="$(SWIFT)" FUZZ_LAB="$(LAB)/fuzz" bash scripts/fuzz.sh

# Every benchmark prints a table with ratios against its named baseline.
bench: bench-directory bench-network bench-inventory bench-render

bench-directory: setup
	@bash scripts/bench/directory.sh

bench-network: setup
	@bash scripts/bench/network.sh

bench-inventory: setup
	@bash scripts/bench/inventory.sh

bench-render: setup
	@bash scripts/bench/render.sh

clean:
	rm -rf .build .build-fuzz $(LAB) dist examples/demo/reports examples/demo/.netlab
