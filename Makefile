# Two commands do everything: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8501
PROJECT ?= demo.wbproj
BIN := $(VENV)/bin

.PHONY: run test demo bench install install-dev clean

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

## make test: install with the dev extra and run the whole suite (browser tests included)
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

demo: $(VENV)/.installed
	@test -f $(PROJECT) || $(BIN)/workbench demo $(PROJECT)

## make bench: the benchmarks (figures and ratios; not part of the pass/fail suite)
bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/store.py
	$(BIN)/python benchmarks/coding_page.py
	$(BIN)/python benchmarks/cooccurrence.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
