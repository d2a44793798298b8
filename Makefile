# Chỉ Số — the two commands: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test setup secret lock assets browser libreoffice java lint bench clean

# The demo runs as production does (DEBUG off, a random key in var/secret_key, static files
# collected and served by WhiteNoise); only the cookies are not marked Secure, because the demo
# is plain http on this machine. `DEBUG=true make run` for development.
run: export SECURE_COOKIES ?= false
run: setup secret
	$(BIN)/chiso migrate --noinput
	$(BIN)/chiso load_frameworks
	$(BIN)/chiso load_demo --demo-accounts
	$(BIN)/chiso recompute
	$(BIN)/chiso collectstatic --noinput -v 0
	@echo
	@echo "  Chỉ Số đang chạy tại http://$(HOST):$(PORT)/"
	@echo "  Đăng nhập: xem tài khoản demo in ở trên (mặc định admin / ChiSo@2025)"
	@echo
	$(BIN)/chiso runserver $(HOST):$(PORT)

# A random secret key, written once (chiso reads var/secret_key when SECRET_KEY is not set).
secret:
	@mkdir -p var
	@if [ ! -s var/secret_key ]; then (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(64))' > var/secret_key) && echo "Đã tạo khoá bí mật var/secret_key"; fi

# Production server (gunicorn, 2 × cores + 1 workers, CHISO_WORKERS to change); see docs/operations.md.
serve: setup
	@mkdir -p var
	$(BIN)/chiso migrate --noinput
	$(BIN)/chiso collectstatic --noinput -v 0
	$(BIN)/chiso serve --bind $(HOST):$(PORT)

# The suite runs on every core (pytest-xdist; a test file stays in one process, so its module
# fixtures are built once): `make test PYTEST_WORKERS=0` runs it in this process alone.
PYTEST_WORKERS ?= auto
test: setup browser libreoffice java
	@mkdir -p var
	$(BIN)/ruff check chiso bench tests
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

setup: $(STAMP) assets

# Exact versions of every dependency come from requirements.lock, so a fresh machine (and CI)
# installs what was tested; `make lock` upgrades them on purpose (after editing pyproject.toml).
$(STAMP): pyproject.toml requirements.lock
	@PY=$$(scripts/find-python) && { [ -x $(BIN)/python ] || $$PY -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

lock:
	@PY=$$(scripts/find-python) && { [ -x $(BIN)/python ] || $$PY -m venv $(VENV); }
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --upgrade --extra dev --strip-extras --no-emit-index-url --no-emit-find-links \
	  --output-file requirements.lock pyproject.toml

# Front-end libraries come from npm (package.json + lock file) and are served locally.
assets:
	@if [ -f package.json ]; then \
	  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund --silent; fi; \
	  node scripts/copy-assets.mjs; \
	fi

# Debian's Chromium for the browser tests (never `playwright install`).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Cần Chromium (/usr/bin/chromium) cho kiểm thử trình duyệt: sudo apt-get install chromium"; fi; \
	fi

# LibreOffice (PDF of the reports) and poppler-utils (first page as PNG in the report tests).
libreoffice:
	@if ! command -v soffice >/dev/null || ! command -v pdftoppm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-liberation >/dev/null; \
	  else echo "Cần LibreOffice và poppler-utils cho báo cáo PDF: sudo apt-get install libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils"; fi; \
	fi

# Java 17+ for PySpark (chiso/ingest/tests/test_spark.py runs the dataset's metric SQL on Spark).
java:
	@if ! java -version 2>&1 | head -1 | grep -Eq '"(1[7-9]|[2-9][0-9])'; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else echo "Cần Java 17 trở lên cho kiểm thử Spark: sudo apt-get install default-jre-headless"; fi; \
	fi

lint: setup
	$(BIN)/ruff check chiso bench tests

bench: setup secret
	$(BIN)/python bench/ingest.py --rows 100000
	$(BIN)/python bench/dashboard.py --units 1000
	$(BIN)/python bench/evaluate.py --units 10000 --indicators 60 --periods 12

clean:
	rm -rf $(VENV) node_modules var/test-*
