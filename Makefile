# kommunesm — two commands on a fresh machine (Python 3.11 + pip + make):
#   make report   build the HTML report from the embedded data into reports/
#   make test     run the whole test suite (and the examples in the docstrings)
#   make docs     build the library documentation into docs/_build/html
# Both create .venv and install the package (with its test extras) the first time.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.kommunesm-installed

.PHONY: report test docs lint format bench demo clean help

help:
	@echo "make report  - build the Norwegian report site reports/site/ from the embedded data"
	@echo "make test    - run the test suite (and the docstring examples)"
	@echo "make docs    - build the documentation site into docs/_build/html"
	@echo "make lint    - ruff check + format check"
	@echo "make bench   - run benchmarks/ (slow, not part of the tests)"
	@echo "make demo    - regenerate the synthetic demo panel in kommunesm/data/demo/"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,spark]"
	@touch $(STAMP)

report: $(STAMP)
	$(PY) -m kommunesm report --out reports/site

test: $(STAMP)
	$(PY) -m pytest

docs: $(STAMP)
	$(PY) -m sphinx -W --keep-going -b html docs docs/_build/html
	@echo "open docs/_build/html/index.html"

lint: $(STAMP)
	$(PY) -m ruff check kommunesm tests benchmarks
	$(PY) -m ruff format --check kommunesm tests benchmarks

format: $(STAMP)
	$(PY) -m ruff format kommunesm tests benchmarks
	$(PY) -m ruff check --fix kommunesm tests benchmarks

bench: $(STAMP)
	$(PY) benchmarks/run.py

demo: $(STAMP)
	$(PY) -m kommunesm demo

clean:
	rm -rf reports/* .pytest_cache docs/_build docs/generated docs/api.rst
