"""`chiso load_demo`: demo accounts only when asked for, and never on a real database."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from chiso.dashboard.tests.helpers import load_framework
from chiso.units.models import Unit


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_without_the_flag_it_creates_no_account():
    output = run()
    assert Unit.objects.filter(code="AG").exists()
    assert get_user_model().objects.count() == 0
    assert "Không tạo tài khoản demo" in output


@pytest.mark.django_db
def test_the_flag_creates_the_demo_accounts_and_a_second_run_keeps_them():
    load_framework("ag-cqdt-2021")
    run("--demo-accounts")
    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password("ChiSo@2025")
    get_user_model().objects.create_user("dong_nghiep", password="Mat-khau-rieng-2026")  # added in the demo
    run("--demo-accounts")
    assert get_user_model().objects.filter(username="admin").count() == 1


def test_it_refuses_a_database_with_real_users(world):
    before = Unit.objects.count()
    with pytest.raises(CommandError, match="tài khoản thật"):
        run("--demo-accounts")
    assert Unit.objects.count() == before
    assert not get_user_model().objects.filter(username="admin", is_superuser=True).exists()
