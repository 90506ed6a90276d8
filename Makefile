# The two commands of the README: `make demo` and `make test`.
# Each creates .venv from pinned requirements on first use; nothing else is needed.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(BIN):$(PATH)

.PHONY: test demo bench venv unit sanity lint clean live-test

$(STAMP): tests/requirements.txt tests/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r tests/requirements.txt -c tests/constraints.txt
	touch $@

venv: $(STAMP)

## make test: sanity, lint, then every pytest test (unit, contract, integration)
test: $(STAMP)
	tests/tools/run_tests.sh

## quicker loops while developing; `make unit` also prints the unit tests' line and branch coverage of plugins/
## and fails below 90% of the plugins/module_utils lines
unit: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 -p no:cacheprovider --cov=plugins --cov-branch --cov-config=tests/tools/coverage.ini \
		--cov-report=term --cov-report=json:tests/output/coverage.json tests/unit
	$(BIN)/python tests/tools/coverage_summary.py

sanity: $(STAMP)
	tests/tools/sanity.sh

lint: $(STAMP)
	tests/tools/lint.sh

## make demo: the whole workflow against a fake JumpCloud, no account needed
demo: $(STAMP)
	$(BIN)/python demo/run_demo.py

## make bench: the benchmark (about 15 minutes); results in bench/results/ and the README
bench: $(STAMP)
	$(BIN)/python bench/run_bench.py

## make live-test: opt-in checks against a real sandbox organisation (see tests/live/live_check.py);
## without JC_LIVE_API_KEY, JC_LIVE_USER, JC_LIVE_GROUP and JC_LIVE_SYSTEM_ID it says so and succeeds
live-test: $(STAMP)
	@$(BIN)/python tests/live/live_check.py

clean:
	rm -rf $(VENV) tests/output .pytest_cache
