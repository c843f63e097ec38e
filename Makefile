# Two commands from a fresh clone: `make serve` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install -q -c constraints.txt
HOST   ?= 127.0.0.1:8000

export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test lint bench gpu clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# One stamp per extra: re-install when the project or the pins change.
$(VENV)/.docs-installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[docs]'
	@touch $@

$(VENV)/.test-installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[test]'
	@touch $@ $(VENV)/.docs-installed

serve: $(VENV)/.docs-installed  ## build the site and serve it on http://127.0.0.1:8000
	$(BIN)/mkdocs serve --dev-addr $(HOST)

build: $(VENV)/.docs-installed  ## the static site into site/
	$(BIN)/mkdocs build --strict

test: $(VENV)/.test-installed  ## the whole suite: unit tests, doctests, page blocks, notebooks, site, browser
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  printf '\n*** WARNING: no chromium found: the browser test will be SKIPPED. ***\n*** Install it with: apt-get install -y chromium ***\n\n'
	MPLBACKEND=Agg $(BIN)/python -m pytest

lint: $(VENV)/.test-installed
	$(BIN)/ruff check d2l_linreg tests benchmarks
	$(BIN)/ruff format --check d2l_linreg tests benchmarks

bench: $(VENV)/.test-installed
	$(BIN)/python benchmarks/train_loop.py
	$(BIN)/python benchmarks/closed_form.py --quick

gpu: $(VENV)/.test-installed  ## the CUDA checks: device tests and benchmarks (says so without a device)
	@if $(BIN)/python -c "import sys, torch; sys.exit(not torch.cuda.is_available())"; then \
	  $(BIN)/python -c "import torch; print('CUDA device:', torch.cuda.get_device_name())" && \
	  MPLBACKEND=Agg $(BIN)/python -m pytest -q -k "cuda or nccl" tests && \
	  $(BIN)/python benchmarks/closed_form.py --quick --device cuda; \
	else \
	  echo "no CUDA device: skipped (make gpu runs the tests named cuda/nccl and the CUDA benchmarks)"; \
	fi

clean:
	rm -rf site artifacts .pytest_cache
