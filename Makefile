# Two commands from a fresh clone: `make serve` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install -q -c constraints.txt
HOST   ?= 127.0.0.1:8000
# pytest-xdist workers for `make test` (conftest.py says which tests share a worker).
JOBS   ?= 2

export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build offline test test-fast lint bench gpu weight clean

# A second kernel path (TOOLING.md, note 11): MKL's portable code path, torch's scalar kernels,
# one thread. The tests that print numbers (`-m pages`) must pass on it too.
OTHER_KERNEL_PATH := MKL_CBWR=COMPATIBLE ATEN_CPU_CAPABILITY=default OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# One stamp per extra: re-install when the project or the pins change.
# The math of the site is typeset at build time by MathJax in node (Debian: apt-get install nodejs).
NODE_CHECK = @command -v node >/dev/null 2>&1 || { echo "error: node is needed to typeset the site's math: apt-get install -y nodejs" >&2; exit 2; }

$(VENV)/.docs-installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[docs]'
	@touch $@

$(VENV)/.test-installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[test]'
	@touch $@ $(VENV)/.docs-installed

serve: $(VENV)/.docs-installed  ## build the site and serve it on http://127.0.0.1:8000
	$(NODE_CHECK)
	$(BIN)/mkdocs serve --dev-addr $(HOST)

build: $(VENV)/.docs-installed  ## the static site into site/
	$(NODE_CHECK)
	$(BIN)/mkdocs build --strict

offline: $(VENV)/.docs-installed  ## a site that works from a folder (open site-offline/index.html)
	$(NODE_CHECK)
	D2L_OFFLINE=true $(BIN)/mkdocs build --strict -d site-offline

test: $(VENV)/.test-installed  ## the whole suite, then the number-printing tests on a second kernel path
	$(NODE_CHECK)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  printf '\n*** WARNING: no chromium found: the browser test will be SKIPPED. ***\n*** Install it with: apt-get install -y chromium ***\n\n'
	MPLBACKEND=Agg $(BIN)/python -m pytest -n $(JOBS) --dist loadgroup
	@printf '\n*** page blocks, notebooks, doctests and number checks again on another kernel path ***\n'
	$(OTHER_KERNEL_PATH) MPLBACKEND=Agg $(BIN)/python -m pytest -m pages

test-fast: $(VENV)/.test-installed  ## package unit tests and doctests: no pages, no site, no browser (< 1 min)
	MPLBACKEND=Agg $(BIN)/python -m pytest -m "not slow" tests d2l_linreg

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

weight: build $(VENV)/.test-installed  ## what a browser downloads on a cold load of each page (Chromium)
	$(BIN)/python benchmarks/page_weight.py site

clean:
	rm -rf site site-offline artifacts .pytest_cache
