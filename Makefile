# The whole set-up: `make demo` and `make test` on a machine with Python 3.11+.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SEED ?= 42

.PHONY: demo test install lint lock clean browser

# Reinstall only when the dependencies change.
$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

demo: install
	$(BIN)/quad db upgrade
	$(BIN)/quad seed --size small --seed $(SEED) --if-empty
	$(BIN)/quad pipeline run
	$(BIN)/quad user demo
	@echo "The demo district is in data/quad.db, its warehouse in data/warehouse.duckdb."
	@echo "Explore the pipeline with: $(BIN)/dagster dev -m pipelines.definitions"
	$(BIN)/quad serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/codespell operational pipelines warehouse apps tests bench README.md

test: lint
	$(BIN)/pytest

# Debian's Chromium, for the end-to-end browser tests (needs root).
browser:
	command -v chromium >/dev/null || { apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# Re-pin every dependency to the newest release that fits pyproject.toml.
lock:
	rm -rf build/lock && $(PYTHON) -m venv build/lock
	build/lock/bin/python -m pip install --quiet --upgrade pip
	build/lock/bin/python -m pip install --quiet '.[dev]'
	build/lock/bin/python -m pip freeze --exclude quad > constraints.txt

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache
