"""Password hashing at OWASP's recommended Argon2id cost, not Django's heavier default.

Django's Argon2 hasher uses 100 MiB and 8 lanes per hash: 0,6–0,9 s per login on this 2-core
server when it is busy, and a few simultaneous logins exhaust its memory. OWASP's password
storage guidance gives Argon2id with 19 MiB, 2 passes and 1 lane as an equivalent-strength
configuration (m=19456, t=2, p=1). Hashes made with other parameters still verify and are
re-hashed with these at the next successful login (Django's ``must_update``).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2Hasher(Argon2PasswordHasher):
    """Argon2id, m=19 MiB, t=2, p=1 (same algorithm name: existing hashes keep verifying)."""

    time_cost = 2
    memory_cost = 19456  # KiB
    parallelism = 1
