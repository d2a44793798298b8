"""Settings for the test suite (pytest's DJANGO_SETTINGS_MODULE, see pyproject.toml).

Test mode is declared here, never guessed from the modules loaded: a fast password hasher,
evidence written to var/test-media, static files without a manifest. A random key per run is
put in the environment so the CLI subprocesses the tests start get the same one.
"""

import os
import secrets

os.environ["CHISO_TESTING"] = "true"
os.environ.setdefault("SECRET_KEY", "test-" + secrets.token_urlsafe(60))

from chiso.settings import *  # noqa: E402,F403
