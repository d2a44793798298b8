"""Settings for the test suite (pytest's DJANGO_SETTINGS_MODULE, see pyproject.toml).

Test mode is declared here, never guessed from the modules loaded: a fast password hasher,
evidence written to var/test-media (var/test-media-gwN in each parallel worker), static files
without a manifest. A random key per run is put in the environment so the CLI subprocesses the
tests start get the same one.
"""

import os
import secrets

os.environ["CHISO_TESTING"] = "true"
os.environ.setdefault("SECRET_KEY", "test-" + secrets.token_urlsafe(60))

from chiso.settings import *  # noqa: E402,F403

# `make test` runs the suite in several processes (pytest-xdist): each has its own test database
# (pytest-django adds the worker's name) and, here, its own evidence folder, so two workers' files
# never meet (both databases have a dataset batch 1). Only this module's MEDIA_ROOT changes, never the
# environment: a site a test starts with its own CHISO_VAR_DIR keeps its own folders.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _XDIST_WORKER and not os.environ.get("CHISO_MEDIA_ROOT"):
    MEDIA_ROOT = VAR_DIR / f"test-media-{_XDIST_WORKER}"  # noqa: F405
