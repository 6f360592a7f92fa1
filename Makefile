# Two commands from a fresh clone: `make serve` and `make test`. Every set-up step is here.
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
HOST    ?= 127.0.0.1
PORT    ?= 5000
WORKERS ?= 2
STORE   ?= var/store
export TNMT_KG_STORE := $(abspath $(STORE))

.PHONY: help install build serve dev test test-fast lint bench browser services virtuoso clean eval-suggest \
        screenshots translations

help:
	@echo "make serve   set up, build the graph, serve on http://$(HOST):$(PORT) (gunicorn)"
	@echo "make test    set up (venv, npm, chromium) and run the whole test suite"
	@echo "make build   (re)build the graph into $(STORE)"
	@echo "make bench   run the benchmarks, write docs/benchmarks.md"
	@echo "make lint    ruff"
	@echo "make screenshots   the graph view at desktop and phone width, into docs/screenshots/"
	@echo "make translations  re-extract the interface strings, update server/translations/*.po"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

build: install
	$(BIN)/tnmt-kg build --store $(STORE)

serve: build
	@echo "serving http://$(HOST):$(PORT)/ ($(WORKERS) gunicorn workers; the app logs one line per request)"
	$(BIN)/tnmt-kg serve --store $(STORE) --host $(HOST) --port $(PORT) --workers $(WORKERS)

dev: build
	$(BIN)/tnmt-kg serve --store $(STORE) --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || (sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive sudo apt-get install -y -qq chromium >/dev/null); }

# Virtuoso, the external SPARQL engine the remote backend is tested against (started by the tests).
services:
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  echo "installing Debian's virtuoso-opensource-7-bin for the remote-backend tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource-7-bin >/dev/null) \
	  || (sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive sudo apt-get install -y -qq virtuoso-opensource-7-bin >/dev/null); }

# Debian's Virtuoso on 127.0.0.1 for `tnmt-kg push` and `serve --endpoint` (README "Scaling out");
# its database in var/virtuoso; `scripts/virtuoso.sh stop` stops it.
virtuoso: services
	scripts/virtuoso.sh start

test: install browser services
	$(BIN)/ruff check kg server tests
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m 'not browser'

lint: install
	$(BIN)/ruff check kg server tests

# Also Virtuoso (`make services`) and the bench extra (rdflib-endpoint, py-spy): the peers it compares.
bench: build services
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench.run

# The suggester scored on ../shared/ingest-eval (gazetteer: the seed source's graph alone).
eval-suggest: install
	$(BIN)/python -m kg.suggest.evaluate --write docs/ingestion.md
	$(BIN)/python -m kg.suggest.evaluate --eval-dir tests/suggest-eval --write docs/ingestion.md \
	  --marker eval-suggest-dev2
	$(BIN)/python -m kg.suggest.evaluate --eval-dir tests/suggest-eval-3 --write docs/ingestion.md \
	  --marker eval-suggest-dev3
	$(BIN)/python -m kg.suggest.evaluate --eval-dir tests/suggest-eval-4 --write docs/ingestion.md \
	  --marker eval-suggest-dev4
	$(BIN)/python -m kg.suggest.evaluate --eval-dir tests/suggest-eval-5 --write docs/ingestion.md \
	  --marker eval-suggest-dev5

# The graph view in Debian's Chromium at 1280 px and 390 px, from the built graph: the app runs on
# a free loopback port for the shots and is stopped afterwards, whatever happens.
screenshots: build browser
	$(BIN)/python scripts/screenshots.py --store $(STORE) --out docs/screenshots

# The interface strings: templates and server/ → messages.pot → each language's .po (translate
# the new entries there; the app compiles the .po files when it starts).
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output \
	  -o server/translations/messages.pot --ignore-dirs='.* node_modules var tests kg bench sources' .
	$(BIN)/pybabel update -i server/translations/messages.pot -d server/translations \
	  --no-fuzzy-matching --width 100

clean:
	rm -rf $(VENV) node_modules var .pytest_cache test-artifacts
