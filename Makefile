# Two commands for a new user: `make demo` (the main job on the embedded store) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test bench lint clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install the project with its test extras

demo: $(STAMP) ## run one full cycle over the sandbox boards into the embedded store
	$(VENV)/bin/aggregator demo

test: $(STAMP) ## run the whole test suite (SQLite and PostgreSQL)
	$(PY) -m pytest

bench: $(STAMP) ## run the benchmarks recorded in BENCHMARKS.md
	$(PY) -m pip install --quiet -e '.[test,bench]'
	$(PY) -m benchmarks

lint: $(STAMP) ## ruff and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy aggregator spiders normalizers dedupe schedules

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
