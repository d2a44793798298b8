"""Every password message in Vietnamese (Django's own catalogue leaves the length rule in English)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


def test_a_short_password_is_refused_in_vietnamese(db):
    with pytest.raises(ValidationError) as caught:
        validate_password("Ab1!")
    assert caught.value.messages[0] == "Mật khẩu này quá ngắn: cần ít nhất 10 ký tự."
    assert not any("password" in m for m in caught.value.messages)
