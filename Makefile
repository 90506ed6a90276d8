# The two commands of the README: `make demo` and `make test`.
# Each creates .venv from pinned requirements on first use; nothing else is needed.
# .venv holds the newest supported ansible-core (tests/requirements.txt), which needs Python 3.12+:
# the interpreter named on that file's "# python:" line is looked for in pyenv's versions folder
# and on PATH (tests/tools/find_python.sh); PYTHON=/path/to/python3.12 overrides it.
# `make test` also builds .venv-2.N for each older supported version (tests/requirements-2.N.txt);
# PYTHON_2_N=/path/to/python overrides its interpreter.
SHELL := /bin/bash
VENV ?= .venv
MAIN_PYTHONS := $(shell sed -n 's/^\# python: //p' tests/requirements.txt)
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell tests/tools/find_python.sh $(MAIN_PYTHONS))
endif
BIN := $(CURDIR)/$(VENV)/bin
comma := ,
export PATH := $(BIN):$(PATH)

.PHONY: test demo bench venv unit sanity lint docs-lint clean live-test

venv:
	@if [ -z "$(PYTHON)" ]; then \
	    echo "No Python found for the newest ansible-core (looked for $(MAIN_PYTHONS)); set PYTHON=/path/to/python3.12 (or newer)" >&2; \
	    exit 1; fi
	@tests/tools/make_venv.sh tests/requirements.txt $(VENV) "$(PYTHON)"

## make test: every supported ansible-core (noxfile.py has the sessions), a lane a core: the newest's pytest
## run in the foreground; its sanity and lints, then each older version's sanity and smoke tests, in the
## background, their output printed after the tests'
test: venv
	@mkdir -p tests/output
	@nox -s checks older >tests/output/checks.log 2>&1 & lane=$$!; \
	nox -s tests; tests=$$?; wait $$lane; checks=$$?; \
	echo "== the newest's sanity and lints, then the older versions (run alongside the tests)"; \
	cat tests/output/checks.log; exit $$((tests || checks))

## quicker loops while developing; `make unit` also prints the unit tests' line and branch coverage of plugins/
## and fails below 90% of the plugins/module_utils lines
unit: venv
	$(BIN)/python -m pytest -q -n 2 -p no:cacheprovider --cov=plugins --cov-branch --cov-config=tests/tools/coverage.ini \
		--cov-report=term --cov-report=json:tests/output/coverage.json tests/unit
	$(BIN)/python tests/tools/coverage_summary.py

sanity: venv
	tests/tools/sanity.sh

lint: venv
	tests/tools/lint.sh

docs-lint: venv
	tests/tools/docs_lint.sh

## make demo: the whole workflow against a fake JumpCloud, no account needed
demo: venv
	$(BIN)/python demo/run_demo.py

## make bench: the benchmark (about 40 minutes); results in bench/results/ (latest.md)
bench: venv
	$(BIN)/python bench/run_bench.py $(if $(ONLY),--only $(ONLY) --name only-$(subst $(comma),+,$(ONLY)))

## make live-test: opt-in checks against a real sandbox organisation (see tests/live/live_check.py);
## without JC_LIVE_API_KEY, JC_LIVE_USER, JC_LIVE_GROUP and JC_LIVE_SYSTEM_ID it says so and succeeds
live-test: venv
	@$(BIN)/python tests/live/live_check.py

clean:
	rm -rf $(VENV) .venv-2.* tests/output .pytest_cache
