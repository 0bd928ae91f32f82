# Two commands set up everything on a fresh machine:
#   make run    set up .venv, migrate, load the real strategy and demo data, start the app
#   make test   set up .venv and run the test suite (SQLite, Celery in-process)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint audit lock messages clean vendor-designsystemet

$(STAMP): requirements-dev.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-virtualenv -r requirements-dev.lock
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_strategy
	$(PY) manage.py import_roadmap initiatives/data/roadmap-deliveries-2026-08.csv --version 2026-08
	$(PY) manage.py load_demo
	$(PY) manage.py recompute_progress
	$(PY) manage.py create_demo_users
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Known vulnerabilities in the pinned production dependencies. --strict: a
# package the vulnerability service cannot look up is an error, not a pass.
audit: $(STAMP)
	$(VENV)/bin/pip-audit --strict --progress-spinner off -r requirements.lock

# Regenerate the pinned sets from pyproject.toml (needs the package index).
lock:
	rm -rf var/lockvenv && $(PYTHON) -m venv var/lockvenv
	var/lockvenv/bin/pip install --quiet --upgrade pip
	var/lockvenv/bin/pip install --quiet .
	var/lockvenv/bin/pip freeze --exclude-editable | grep -v '^ehelse-strategy-tracker' > requirements.lock
	var/lockvenv/bin/pip install --quiet '.[dev]'
	var/lockvenv/bin/pip freeze --exclude-editable | grep -v '^ehelse-strategy-tracker' > requirements-dev.lock
	rm -rf var/lockvenv build *.egg-info

# Update and compile the translation catalogues (needs GNU gettext).
messages: $(STAMP)
	$(PY) manage.py makemessages -l nb -l en --ignore=.venv --ignore=var --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

# Designsystemet (Digdir, MIT), vendored into static/: `make run` needs no Node.js.
# Bump the pinned versions here and run `make vendor-designsystemet` (needs npm).
DS_CSS_VERSION := 1.22.0
DS_THEME_VERSION := 1.11.0
DS_DIR := static/vendor/designsystemet
vendor-designsystemet:
	rm -rf var/ds-pack && mkdir -p var/ds-pack/css var/ds-pack/theme $(DS_DIR)
	cd var/ds-pack && npm pack --silent @digdir/designsystemet-css@$(DS_CSS_VERSION) @digdir/designsystemet-theme@$(DS_THEME_VERSION)
	tar xzf var/ds-pack/digdir-designsystemet-css-$(DS_CSS_VERSION).tgz -C var/ds-pack/css
	tar xzf var/ds-pack/digdir-designsystemet-theme-$(DS_THEME_VERSION).tgz -C var/ds-pack/theme
	cp var/ds-pack/css/package/dist/src/index.css $(DS_DIR)/designsystemet.css
	cp var/ds-pack/css/package/LICENSE $(DS_DIR)/LICENSE-designsystemet-css.txt
	cp var/ds-pack/theme/package/src/themes/designsystemet.css $(DS_DIR)/theme.css
	cp var/ds-pack/theme/package/LICENSE $(DS_DIR)/LICENSE-designsystemet-theme.txt
	printf '@digdir/designsystemet-css %s\n@digdir/designsystemet-theme %s\n' $(DS_CSS_VERSION) $(DS_THEME_VERSION) > $(DS_DIR)/VERSIONS
	rm -rf var/ds-pack

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache

# The map files (static/geo/) and the region code list (indicators/data/
# regions.json) from Kartverket's boundaries; commit what it writes.
GEO_SOURCE ?= ../shared/geo
.PHONY: geo
geo:
	$(PYTHON) -m indicators.geo_build $(GEO_SOURCE)
