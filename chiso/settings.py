"""Settings, all from the environment (docs/operations.md lists them).

Safe by default: DEBUG is off unless ``DEBUG=true`` is set (development), and with DEBUG off
the process refuses to start without a real SECRET_KEY (≥ 50 characters, not a published
default). The key comes from ``SECRET_KEY``, the file named by ``SECRET_KEY_FILE``, or
``var/secret_key`` (written once by ``make run``/``make secret``). DATABASE_URL defaults to
embedded SQLite under var/. Test settings live in ``chiso/settings_test.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from chiso.env import ConfigError, env_bool, env_int, env_list, env_secret, env_str, weak_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CHISO_VAR_DIR", str(BASE_DIR / "var")))
# Only chiso/settings_test.py turns this on (it sets CHISO_TESTING before importing this module).
TESTING = env_bool("CHISO_TESTING", False)

DEBUG = env_bool("DEBUG", False)
_DEV_KEY = "chiso-dev-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"
SECRET_KEY = env_secret("SECRET_KEY", VAR_DIR / "secret_key") or ""
if DEBUG and not SECRET_KEY:
    SECRET_KEY = _DEV_KEY
elif not DEBUG and (_weak := weak_secret_key(SECRET_KEY)):
    raise ConfigError(
        f"{_weak}: khi DEBUG=false cần một khoá bí mật thật, ví dụ "
        "`make secret` (ghi var/secret_key) hoặc SECRET_KEY=$(python3 -c 'import secrets; "
        "print(secrets.token_urlsafe(50))'); DEBUG=true chỉ dùng khi phát triển"
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # the API docs page uses its bundled Swagger UI files, not a CDN
    "axes",
    "simple_history",
    "django_tasks_db",
    "chiso.units",
    "chiso.frameworks",
    "chiso.assessments",
    "chiso.results",
    "chiso.ingest",
    "chiso.accounts",
    "chiso.dashboard",
    "chiso.reports",
    "chiso.api",
    "chiso.web",
    "chiso.demo",
    "chiso.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "chiso.web.middleware.UploadLimitMiddleware",  # an oversized evidence upload: 413 before the body is read
    "chiso.web.middleware.MalformedRequestMiddleware",  # NUL bytes, bad encodings: 400, not 500
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chiso.web.middleware.SessionRefreshMiddleware",  # renews the inactivity limit every 5 min, not every page
    "chiso.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "chiso.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chiso.urls"
WSGI_APPLICATION = "chiso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "chiso" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "chiso.accounts.context_processors.role",
            ],
        },
    },
]

# Database: embedded SQLite (WAL) unless DATABASE_URL says otherwise.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'chiso.sqlite3'}")
# Connections are kept for a minute by each web process (checked before reuse), not opened for
# every request: on PostgreSQL a new connection is a new server process. DB_CONN_MAX_AGE=0 turns it off.
DATABASES = {"default": dj_database_url.parse(
    DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0 if TESTING else 60), conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_PREPARED_STATEMENTS", True):
    # Parameters sent apart from the SQL text, and a statement run a few times on a connection is
    # prepared once: the server stops parsing and planning the same queries again and again. On
    # deadline day planning cost PostgreSQL more than running the queries (docs/operations.md).
    # Off (DB_PREPARED_STATEMENTS=false) behind a pooler that cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": env_int("DB_PREPARE_THRESHOLD", 5)})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # The user with its profile, one query per request. A refused password stops here: a password
    # backend added later (LDAP, SSO) must go before this line to be asked at all.
    "chiso.accounts.backends.ProfileBackend",
    "django.contrib.auth.backends.ModelBackend",  # only for sessions signed in before ProfileBackend
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id (memory-hard) first, at OWASP's recommended cost (m=19 MiB, t=2, p=1:
# chiso/accounts/hashers.py; Django's default 100 MiB × 8 lanes cost 0,6–0,9 s per login on this
# busy 2-core machine, bench/pages.py); PBKDF2 stays listed so older hashes still verify and are
# upgraded at the next login.
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"] if TESTING else
    ["chiso.accounts.hashers.Argon2Hasher",
     "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions expire: after SESSION_COOKIE_AGE seconds of inactivity and at browser close.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
# Renewed at most every SESSION_REFRESH_SECONDS by chiso.web.middleware.SessionRefreshMiddleware,
# not written on every request (a write per page read; on SQLite, the one write lock).
SESSION_SAVE_EVERY_REQUEST = False
# Django's database sessions, read with one hand-written query (chiso.web.sessions).
SESSION_ENGINE = "chiso.web.sessions"
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind a TLS-terminating proxy: the header it sets (e.g. X-Forwarded-Proto) says the request
# came over HTTPS. Set it only when the proxy overwrites that header on every request.
_PROXY_SSL_HEADER = env_str("SECURE_PROXY_SSL_HEADER", "")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https") if _PROXY_SSL_HEADER else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Scripts only from our own static files (no inline script anywhere: pages pass data to
# app.js/dashboard.js through data-* attributes). Styles keep 'unsafe-inline' for a few
# style="" attributes and the indicator style htmx injects; no script can use that.
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# Login throttling (django-axes).
# Two independent counters: failures for one username from any address (guessing one
# account's password through many IPs), and failures from one client address for any
# username (one password sprayed over many accounts). The per-address limit is higher because
# a commune office shares one public address. The client address is REMOTE_ADDR unless the
# request came through a proxy listed in TRUSTED_PROXIES (chiso.web.lockout.client_ip).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "chiso.web.lockout.PerParameterLimitHandler"
AXES_CLIENT_IP_CALLABLE = "chiso.web.lockout.client_ip"
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])  # addresses or networks (CIDR) of our proxies
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"  # Vietnamese page, HTTP 429

# Vietnamese first; English through Django i18n.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "chiso" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["chiso.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "chiso" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Evidence and uploads live outside the web root and are served only through views.
# Tests write their evidence files to var/test-media (var/test-media-gwN per parallel worker, see
# settings_test; removed by `make clean`), never to the real store.
MEDIA_ROOT = Path(env_str("CHISO_MEDIA_ROOT", str(VAR_DIR / ("test-media" if TESTING else "media"))))
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# Any API write (a values file, a push) larger than this is refused (413) before its body is read.
API_MAX_REQUEST_BYTES = env_int("API_MAX_REQUEST_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "chiso@localhost")

# Background work: immediate in the embedded default; a database queue with
# separate worker processes (`chiso db_worker`) when TASKS_BACKEND=database.
_TASKS = env_str("TASKS_BACKEND", "immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.backend.DatabaseBackend",
            "dummy": "django.tasks.backends.dummy.DummyBackend",
        }[_TASKS]
    }
}
# With a worker's queue, the recompute a write queues begins this many seconds later, so one run
# stores every unit saved meanwhile (on deadline day: not one run per save). Pages never wait for it:
# until it has run they evaluate the units it will store (docs/results.md). 0 = at once.
RESULTS_RECOMPUTE_DELAY = env_int("CHISO_RECOMPUTE_DELAY", 2)
if not 0 <= RESULTS_RECOMPUTE_DELAY <= 60:
    raise ConfigError(f"CHISO_RECOMPUTE_DELAY={RESULTS_RECOMPUTE_DELAY}: cần từ 0 đến 60 giây")

# Official reports (chiso.reports): who issues them, and where LibreOffice and edited templates are.
CHISO_PROVINCE_NAME = env_str("CHISO_PROVINCE_NAME", "An Giang")
CHISO_PARENT_AGENCY = env_str("CHISO_PARENT_AGENCY", f"UBND tỉnh {CHISO_PROVINCE_NAME}")
CHISO_AGENCY = env_str("CHISO_AGENCY", "Sở Khoa học và Công nghệ")  # ran these assessments as Sở TTTT until 2025
CHISO_REPORT_SYMBOL = env_str("CHISO_REPORT_SYMBOL", "BC-SKHCN")
CHISO_SIGNER_AUTHORITY = env_str("CHISO_SIGNER_AUTHORITY", "KT. GIÁM ĐỐC")
CHISO_SIGNER_POSITION = env_str("CHISO_SIGNER_POSITION", "PHÓ GIÁM ĐỐC")
CHISO_SIGNER_NAME = os.environ.get("CHISO_SIGNER_NAME", "")
CHISO_REPORT_TEMPLATES_DIR = os.environ.get("CHISO_REPORT_TEMPLATES_DIR", "")  # a province's own *.docx
CHISO_SOFFICE = os.environ.get("CHISO_SOFFICE", "")  # default: soffice/libreoffice on PATH

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Each finished task is logged at INFO by django.tasks; the CLI's output must stay its own.
    "loggers": {"django.tasks": {"level": os.environ.get("TASKS_LOG_LEVEL", "WARNING")}},
}
