# Assay: two commands on a fresh Debian machine.
#   make demo   install what is missing, build, run the main job end to end on a bundled clip
#   make test   install what is missing, then run all tests
SWIFT ?= swift
BIN := .build/debug/assay

.PHONY: demo test deps pydeps fixtures build release bench clean fuzz

deps:
	@scripts/install-deps.sh system

pydeps: deps
	@scripts/install-deps.sh python

fixtures: deps
	@Fixtures/make-generated.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

demo: build fixtures
	@scripts/demo.sh $(BIN)

test: deps pydeps fixtures
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: release fixtures pydeps
	@Benchmarks/run-all.sh

clean:
	rm -rf .build Fixtures/generated

# libFuzzer + ASan over every parser (Fuzz/): FUZZ_SECONDS per target (default 60).
FUZZ_SECONDS ?= 60
fuzz: deps fixtures
	@Fuzz/run.sh $(FUZZ_SECONDS)
