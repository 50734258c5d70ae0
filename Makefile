# contract-intel — two commands on a fresh machine: `make demo` and `make test`.
# Only Python 3.11, pip and make are assumed; the venv is built from requirements.lock.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
DEMO_HOME ?= demo-data
PACKAGES := schemas extractors portfolio flows contracts alerts inbox bench web

.PHONY: demo test lint typecheck unit ocr-tools browser-tools test-browser venv lock clean fixtures accuracy bench bench-ingest bench-search bench-renewals profile-ingest test-es

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --config-settings editable_mode=compat -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: $(STAMP)
	@rm -rf $(DEMO_HOME)
	@echo "== ingest fixtures/contracts/ into a fresh portfolio ($(DEMO_HOME)/portfolio.db)"
	$(BIN)/contracts ingest fixtures/contracts --home $(DEMO_HOME)
	@echo; echo "== extracted records"
	$(BIN)/contracts list --home $(DEMO_HOME)
	@echo; echo '== clause search: "service credit"'
	$(BIN)/contracts search '"service credit"' --limit 5 --home $(DEMO_HOME)
	@echo; echo "== upcoming notice deadlines (next 365 days)"
	$(BIN)/contracts renewals --within 365 --home $(DEMO_HOME)
	@echo; echo "Try: $(BIN)/contracts show msa_sla_exhibit.pdf --home $(DEMO_HOME)"

test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy $(PACKAGES)

unit: $(STAMP) ocr-tools browser-tools
	$(BIN)/python -m pytest -q

# OCR of scanned contracts needs the tesseract program, a system package: installed here
# where we can (root with apt and a network), so the OCR tests run; elsewhere they skip
# and say why (`contracts doctor` tells a user what to install).
ocr-tools:
	@tesseract --list-langs 2>/dev/null | grep -qx eng || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing tesseract-ocr tesseract-ocr-eng for the OCR tests"; \
	    { timeout 300 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 600 \
	      apt-get install -y -qq tesseract-ocr tesseract-ocr-eng; } >/dev/null 2>&1 \
	    || echo "could not install tesseract-ocr (offline?): the OCR tests will skip"; \
	  else echo "tesseract-ocr not installed (not root): the OCR tests will skip"; fi; }

# The browser tests drive the web app in headless Chromium through Playwright, using the
# system's chromium (a system package; Playwright never downloads a browser here): installed
# here where we can (root with apt and a network); elsewhere they skip and say why.
# Screenshots of each step go to test-artifacts/screenshots/ (CONTRACTS_TEST_SCREENSHOTS).
browser-tools:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the browser tests"; \
	    { timeout 300 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 900 \
	      apt-get install -y -qq chromium; } >/dev/null 2>&1 \
	    || echo "could not install chromium (offline?): the browser tests will skip"; \
	  else echo "chromium not installed (not root): the browser tests will skip"; fi; }

test-browser: $(STAMP) browser-tools
	$(BIN)/python -m pytest -q -rs -m browser tests/web

# Extraction accuracy on ../shared/eval/cuad-dev (report in bench/out/).
accuracy: $(STAMP)
	$(BIN)/python -m bench.accuracy

# Speed and memory (tables with ratios against baselines measured in the same run).
bench: bench-ingest bench-search bench-renewals

bench-ingest: $(STAMP)
	$(BIN)/python -m bench.ingest

bench-search: $(STAMP)
	$(BIN)/python -m bench.search

bench-renewals: $(STAMP)
	$(BIN)/python -m bench.renewals

# Where ingest time goes, stage by stage (pyinstrument; call trees in bench/out/).
profile-ingest: $(STAMP)
	$(BIN)/python -m bench.ingest_profile

fixtures: $(STAMP)
	$(BIN)/python fixtures/contracts/generate.py

# Re-pin the working set after changing dependencies in pyproject.toml.
# pysqlite3-binary has wheels for Linux x86_64 only: the lock keeps its platform marker.
lock: $(STAMP)
	$(BIN)/python -m pip freeze --all --exclude-editable | grep -v '^pip==' \
	  | sed 's/^\(pysqlite3-binary==.*\)$$/\1 ; sys_platform == "linux" and platform_machine == "x86_64"/' \
	  > requirements.lock

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache .mypy_cache .ruff_cache

# The portfolio tests with the Elasticsearch conformance run against a real single-node
# cluster (docker compose, security on; see README "Scaling out"). Needs docker and the
# Python client: .venv/bin/pip install "elasticsearch>=9,<10" (ES_VERSION=8.x: ">=8.13,<9").
ES_PASSWORD ?= contracts-test-only
ES_CA := $(VENV)/es-ca.crt
test-es: $(STAMP)
	ELASTIC_PASSWORD=$(ES_PASSWORD) docker compose up -d --wait es01
	docker compose cp es01:/usr/share/elasticsearch/config/certs/ca/ca.crt $(ES_CA)
	CONTRACTS_TEST_ES_URL=https://localhost:$${ES_PORT:-9200} CONTRACTS_TEST_ES_USERNAME=elastic \
	CONTRACTS_TEST_ES_PASSWORD=$(ES_PASSWORD) CONTRACTS_TEST_ES_CA_CERTS=$(ES_CA) \
	$(BIN)/python -m pytest -q -rs tests/portfolio
