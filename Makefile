# Two commands: `make run` opens gridtui, `make test` runs the whole suite.
# Both create .venv on first use and reinstall when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_SCALE ?= 1.0

.PHONY: run test check test-all fuzz bench bench-quick lint screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# An editable install compiles nothing, unlike a wheel install; compiling here spares every
# start of the app from compiling gridtui again where PYTHONDONTWRITEBYTECODE is set.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m compileall -q gridtui
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q gridtui
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/gridtui demo --if-empty --scale $(DEMO_SCALE)
	$(BIN)/gridtui

# The checks come first and are quick: a lint slip, an upward import or a type error fails
# before the suite starts.
test: $(VENV)/.installed-test check
	$(BIN)/python -m pytest -n 2 -q

check: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo --no-cache
	$(BIN)/mypy

test-all: test

# The hypothesis tests with fresh random examples (make test replays a fixed set).
fuzz: $(VENV)/.installed-test
	GRIDTUI_HYPOTHESIS=explore $(BIN)/python -m pytest -n 2 -q tests/reliability tests/sync

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench --scale 1.0

bench-quick: $(VENV)/.installed-test
	$(BIN)/python -m bench --scale 0.1

lint: check

screenshots: $(VENV)/.installed-test
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache
