# The two commands of the README, plus the tools around them. Each target creates .venv when it
# is missing and reinstalls only when pyproject.toml changed, so repeated runs are quick.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
PACKAGE_STAMP := $(VENV)/.installed-package
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: run test test-fast lint bench demo-store clean icons package package-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test,dev]'
	touch $@ $(RUN_STAMP)

$(PACKAGE_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[package]'
	touch $@ $(RUN_STAMP)

## run: set up and launch the app (on the demo store when no store is configured)
run: $(RUN_STAMP)
	$(BIN)/python -m app

## test: set up with the test extras and run the whole suite headless (what CI runs), one test
##   process per core (pytest-xdist)
test: $(DEV_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n auto

## test-fast: the quick tier for every commit (under 2 minutes): no slow tests, one store profile
##   per test, few Hypothesis examples (--fast, see tests/conftest.py); make test runs it all
test-fast: $(DEV_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n auto --fast

## lint: ruff (lint and format) and mypy, as CI runs them
lint: $(DEV_STAMP)
	$(BIN)/ruff check app tests tools
	$(BIN)/ruff format --check app tests tools
	$(BIN)/mypy

## bench: run the benchmarks and print one row per figure
bench: $(DEV_STAMP)
	$(BIN)/python -m tests.benchmarks

## demo-store: serve a demo store in the foreground (prints its URL and keys)
demo-store: $(RUN_STAMP)
	$(BIN)/python -m app.demo_store

## icons: render the app icon's PNG, ICO and ICNS files from resources/icons/woo-customers.svg
icons: $(RUN_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/make_icons.py

## package: build the desktop bundle with PyInstaller (dist/woo-customers/; see packaging/)
package: $(PACKAGE_STAMP)
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/woo-customers.spec

## package-test: build the bundle, then start it headless: --version and a demo screenshot
package-test: package
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/smoke_test.py dist/woo-customers

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
