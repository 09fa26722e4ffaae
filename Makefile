# Precedent: the two commands a new user needs are `make run` and `make test` (see README.md).
# Everything runs from .venv/bin/...; nothing is activated. Only Python 3.11, make and git are assumed.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV  := .venv
BIN   := $(VENV)/bin
STAMP := $(VENV)/.precedent-setup
# pinned CPU build: installed first, so nothing that depends on torch pulls a CUDA build of several GB
TORCH := torch==2.13.0
LLM_MODEL   ?= qwen2.5-coder-1.5b
SMOKE_MODEL ?= smollm2-135m

# python3.11, or python3 when that is 3.11
PYTHON ?= $(shell for p in python3.11 python3; do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c "import sys; sys.exit(sys.version_info[:2] != (3, 11))" 2>/dev/null; then \
	    echo $$p; break; fi; done)

.PHONY: help setup browser llm test run bench clean distclean

help:
	@echo "make run    set everything up, build the index of corpus/ on first start, serve http://127.0.0.1:7860"
	@echo "make test   set everything up, lint (ruff), and run the tests and the evals"
	@echo "make setup | browser | llm | bench | clean | distclean"

setup: $(STAMP)

# re-runs in well under a second unless pyproject.toml changed (or .venv was removed)
$(STAMP): pyproject.toml
	@if [ ! -x $(BIN)/python ]; then \
	  if [ -z "$(PYTHON)" ]; then echo "error: Python 3.11 is needed (python3.11, or python3 at version 3.11)" >&2; exit 1; fi; \
	  echo "creating $(VENV) with $(PYTHON)"; \
	  $(PYTHON) -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "$(TORCH)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; no browser download)
browser:
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=sudo; \
	else echo "browser: /usr/bin/chromium is missing and this user cannot install it; ask an administrator for: apt-get install chromium (the browser tests skip without it)" >&2; exit 0; fi; \
	echo "installing Debian's chromium"; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null

# the local model that writes letters (llama.cpp); idempotent, about a second when already installed
llm: setup
	bash scripts/install_llm.sh $(LLM_MODEL)

test: setup browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	bash scripts/install_llm.sh $(SMOKE_MODEL)
	@rc=0; $(BIN)/python -m pytest -q || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; exit $$rc
	PRECEDENT_LOCAL_MODEL=$(SMOKE_MODEL) $(BIN)/precedent eval --llm fake-llm,local

run: setup llm
	$(BIN)/precedent serve

bench: setup
	$(BIN)/precedent bench

# generated state: the default index, caches, reports in progress (keeps .venv and the model cache)
clean:
	rm -rf .precedent .pytest_cache bench/tmp test-artifacts evals/.index build dist *.egg-info
	rm -f evals/report/*.tmp
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
