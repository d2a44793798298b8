# Chỉ Số — the two commands: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test setup assets browser libreoffice lint bench clean

run: setup
	@mkdir -p var
	$(BIN)/chiso migrate --noinput
	$(BIN)/chiso load_frameworks
	$(BIN)/chiso load_demo
	$(BIN)/chiso collectstatic --noinput -v 0
	@echo
	@echo "  Chỉ Số đang chạy tại http://$(HOST):$(PORT)/"
	@echo "  Đăng nhập: xem tài khoản demo in ở trên (mặc định admin / ChiSo@2025)"
	@echo
	$(BIN)/chiso runserver $(HOST):$(PORT)

# Production server (gunicorn, 2 × cores + 1 workers, CHISO_WORKERS to change); see docs/operations.md.
serve: setup
	@mkdir -p var
	$(BIN)/chiso migrate --noinput
	$(BIN)/chiso collectstatic --noinput -v 0
	$(BIN)/chiso serve --bind $(HOST):$(PORT)

test: setup browser libreoffice
	@mkdir -p var
	$(BIN)/ruff check chiso bench tests
	$(BIN)/pytest $(PYTEST_ARGS)

setup: $(STAMP) assets

$(STAMP): pyproject.toml
	@PY=$$(scripts/find-python) && { [ -x $(BIN)/python ] || $$PY -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

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

lint: setup
	$(BIN)/ruff check chiso bench tests

bench: setup
	$(BIN)/python bench/ingest.py --rows 100000
	$(BIN)/python bench/dashboard.py --units 1000

clean:
	rm -rf $(VENV) node_modules var/test-*
