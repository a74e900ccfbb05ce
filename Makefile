# Two commands: `make run` opens gridtui, `make test` runs the whole suite.
# Both create .venv on first use and reinstall when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_SCALE ?= 1.0

.PHONY: run test test-all fuzz bench bench-quick lint screenshots clean

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

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 -q

test-all: test

# The hypothesis tests with fresh random examples (make test replays a fixed set).
fuzz: $(VENV)/.installed-test
	GRIDTUI_HYPOTHESIS=explore $(BIN)/python -m pytest -n 2 -q tests/reliability tests/sync

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench --scale 1.0

bench-quick: $(VENV)/.installed-test
	$(BIN)/python -m bench --scale 0.1

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

screenshots: $(VENV)/.installed-test
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
