# Set-up in one step: each target makes the virtual environment it needs.
# The real work is in tasks.py (invoke); see README.md.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin

.PHONY: serve test
serve: $(VENV)/.dev-installed  ## build the site and serve it on localhost, rebuilding on change
	$(BIN)/invoke livereload --port $(PORT)

test: $(VENV)/.dev-installed  ## run the whole test suite
	$(BIN)/invoke test

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@
