# Two entry points that work on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export ASSAY_HOME ?= $(CURDIR)/.assay

.PHONY: setup web sam-tools demo test lint bench clean

setup: $(VENV)/.installed web

# The dashboard: rebuilt when its sources or pinned packages change (needs node >= 20.19 and npm).
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/package.json \
  web/package-lock.json web/vite.config.ts web/tsconfig.json
web: web/dist/index.html

web/dist/index.html: $(WEB_SOURCES)
	cd web && npm ci --no-audit --no-fund && npm run build

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Runs the offline demo on the embedded database; exit 100 only means some assertions failed.
demo: setup
	mkdir -p $(ASSAY_HOME)
	$(BIN)/assay run examples/demo/promptfooconfig.yaml -o $(ASSAY_HOME)/demo-results.json \
	  -o $(ASSAY_HOME)/demo-results.csv; status=$$?; [ $$status -eq 0 ] || [ $$status -eq 100 ]

test: setup sam-tools
	$(BIN)/ruff check src tests $(wildcard services bench)
	$(BIN)/ruff format --check src tests $(wildcard services bench)
	$(BIN)/mypy
	cd web && npm test
	$(BIN)/pytest -q

# The pinned SAM CLI and cfn-lint in their own venv (their pins clash with ours).
sam-tools:
	scripts/sam-tools.sh setup

lint: setup
	$(BIN)/ruff check src tests $(wildcard services bench)
	$(BIN)/ruff format --check src tests $(wildcard services bench)
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/run_bench.py --cases 1000

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
