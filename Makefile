# Two commands do everything: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8501
PROJECT ?= demo.wbproj
BIN := $(VENV)/bin

.PHONY: run test check screenshots demo bench install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## make run: install, build the demo project if absent, start the app on 127.0.0.1:$(PORT)
run: $(VENV)/.installed
	@test -f $(PROJECT) || $(BIN)/workbench demo $(PROJECT)
	$(BIN)/workbench serve $(PROJECT) --port $(PORT)

## make test: install with the dev extra and run the whole suite (browser tests and slow tests included)
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

## make check: the quick suite (no browser tests, no slow fuzz/crash tests)
check: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q -m "not slow and not e2e"

## make screenshots: update the README pictures in docs/screenshots/ (the suite itself writes to a temp folder)
screenshots: $(VENV)/.installed-dev
	WORKBENCH_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -q tests/e2e/test_screenshots.py tests/e2e/test_chart_sizes.py

demo: $(VENV)/.installed
	@test -f $(PROJECT) || $(BIN)/workbench demo $(PROJECT)

## make bench: the benchmarks (figures and ratios; not part of the pass/fail suite)
bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/store.py
	$(BIN)/python benchmarks/coding_page.py
	$(BIN)/python benchmarks/cooccurrence.py
	$(BIN)/python benchmarks/accounts.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
