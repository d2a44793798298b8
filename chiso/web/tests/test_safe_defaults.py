"""Production is the default: DEBUG off, a real secret key or no start, deploy checks clean.

Each case starts the real `chiso` script in its own process with its own environment, since
these settings are read once at start-up.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from chiso.env import weak_secret_key

CHISO = str(Path(sys.executable).with_name("chiso"))
GOOD_KEY = "k" + "Zq8-3vN_x7Lw0Rt5yUe2Ia9So4Dp6Fg1Hj3Kl5Zx7Cv9Bn0Mm2Qw4Er6Ty8Ui0"

PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "chiso.angiang.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://chiso.angiang.gov.vn",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "TRUSTED_PROXIES": "127.0.0.1",
}


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if k not in {"DJANGO_SETTINGS_MODULE", "CHISO_TESTING", "SECRET_KEY", "SECRET_KEY_FILE",
                         "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
            and not k.startswith(("PYTEST", "SECURE_", "AXES_"))}
    base.update({"CHISO_VAR_DIR": str(tmp_path), "PYTHONIOENCODING": "utf-8", **env})
    return subprocess.run([CHISO, *args], env=base, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("key", ["", "changeme", "x", "django-insecure-abc",
                                 "chiso-dev-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz",
                                 "a-key-that-is-only-forty-nine-characters-long-xxx"])
def test_a_missing_short_or_published_key_is_refused(key):
    assert weak_secret_key(key) is not None
    assert weak_secret_key(GOOD_KEY) is None


def test_it_refuses_to_start_with_debug_off_by_default_and_a_published_key(tmp_path):
    done = run(tmp_path, "check", SECRET_KEY="changeme")
    assert done.returncode != 0
    assert "SECRET_KEY là khoá mặc định" in done.stderr
    done = run(tmp_path, "check")  # no key at all, DEBUG not set: still production
    assert done.returncode != 0
    assert "chưa đặt SECRET_KEY" in done.stderr


def test_debug_true_starts_with_the_development_key(tmp_path):
    done = run(tmp_path, "shell", "-c", "from django.conf import settings; print(settings.DEBUG)",
               DEBUG="true")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "True"


def test_the_key_file_written_by_make_run_is_used(tmp_path):
    (tmp_path / "secret_key").write_text(GOOD_KEY + "\n", encoding="utf-8")
    done = run(tmp_path, "shell", "-c",
               "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["False", GOOD_KEY]


def test_deploy_checks_are_clean_with_the_documented_production_environment(tmp_path):
    done = run(tmp_path, "check", "--deploy", "--fail-level", "WARNING",
               SECRET_KEY=GOOD_KEY, **PRODUCTION)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "no issues" in done.stdout
    documented = Path(__file__).resolve().parents[3].joinpath("docs", "operations.md").read_text("utf-8")
    for name, value in PRODUCTION.items():
        assert f"{name}={value}" in documented, name
