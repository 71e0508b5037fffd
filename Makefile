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

# Every package, transitive ones too, pinned with its hashes (invoke lock writes it).
$(VENV)/.dev-installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	touch $@
