# Two commands for a new user: `make run` serves the portal, `make test` runs every test.
# Both set up everything they need on a fresh machine: the virtual environment from the lock file, the Debian
# packages for WeasyPrint, the CJK font and the test browser (where run as root), and the compiled translations.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-12)

# WeasyPrint's libraries, the CJK font (a certificate without it shows boxes) and msgfmt for the catalogues.
DEB_RUN := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext
# The browser tests drive Debian's Chromium; pdftotext reads certificates back.
DEB_TEST := $(DEB_RUN) chromium poppler-utils

.PHONY: run test install system-run system-test messages lint clean

run: install system-run messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_demo_decisions
	$(PY) manage.py seed_demo_reviews
	$(PY) manage.py seed_demo_roles
	$(PY) scripts/run.py

test: install system-test messages
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

system-run:
	@sh scripts/system-packages.sh optional $(DEB_RUN)

system-test:
	@sh scripts/system-packages.sh required $(DEB_TEST)

messages: install
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) var
