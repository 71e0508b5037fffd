# Set-up in one step: each target makes the virtual environment it needs.
# The real work is in tasks.py (invoke); see README.md.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin

EDITOR := admin/dist/editor.js

.PHONY: serve test
serve: $(VENV)/.dev-installed $(EDITOR)  ## build the site and serve it on localhost, rebuilding on change
	$(BIN)/invoke livereload --port $(PORT)

test: $(VENV)/.dev-installed $(EDITOR)  ## lint the code (ruff), then run the whole test suite
	$(BIN)/ruff check .
	$(BIN)/invoke test

# Every package, transitive ones too, pinned with its hashes (invoke lock writes it).
$(VENV)/.dev-installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	touch $@

# The browser editor (/admin/): Sveltia CMS, pinned with its integrity hashes in
# admin/package-lock.json, bundled by esbuild (pinned there too) into admin/dist/.
# What npm has downloaded before is used as it is (--prefer-offline; each file is
# checked against its hash). It needs Node.js's npm; without it the site is built
# without the editor, and the build says so.
$(EDITOR): admin/package.json admin/package-lock.json admin/editor.js
	@if command -v npm >/dev/null; then \
	  npm ci --prefix admin --ignore-scripts --no-audit --no-fund --prefer-offline \
	    --loglevel=error && \
	  npm run --prefix admin --silent build; \
	else \
	  echo "Node.js (npm) is not installed: the site is built without the browser editor (/admin/)."; \
	fi
