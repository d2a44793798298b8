"""The Argon2id cost: OWASP's parameters, and hashes made with Django's default still verify."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher

from chiso.accounts.hashers import Argon2Hasher


def test_new_hashes_use_owasps_argon2id_parameters():
    encoded = Argon2Hasher().encode("ChiSo@2025-dai", Argon2Hasher().salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert Argon2Hasher().verify("ChiSo@2025-dai", encoded)
    assert not Argon2Hasher().verify("sai", encoded)
    assert not Argon2Hasher().must_update(encoded)


def test_a_hash_with_djangos_default_cost_verifies_and_is_upgraded():
    old = Argon2PasswordHasher().encode("ChiSo@2025-dai", Argon2PasswordHasher().salt())
    assert "m=102400,t=2,p=8" in old
    assert Argon2Hasher().verify("ChiSo@2025-dai", old)
    assert Argon2Hasher().must_update(old)
