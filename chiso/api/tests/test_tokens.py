"""Personal API tokens: printed once, stored hashed, acting with their user's role and scope only."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from chiso.api.models import ApiToken, hash_token
from chiso.conftest import client_for

BASE = "/api/v1"


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_create_token_prints_it_once_and_stores_only_its_hash(world):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_token", "--user", "reviewer", "--label", "một cửa", "--expires", "2099-12-31",
                 stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("cs_") and len(raw) > 40
    token = ApiToken.objects.get()
    assert (token.user, token.label, token.expires.isoformat()) == (world.reviewer, "một cửa", "2099-12-31")
    assert token.digest == hash_token(raw) and raw not in (token.digest, token.prefix)
    assert raw.startswith(token.prefix) and "31/12/2099" in err.getvalue()


@pytest.mark.parametrize("args, fragment", [
    (["--user", "khong-co"], "Không có người dùng 'khong-co'"),
    (["--user", "reviewer", "--expires", "31/12/2099"], "Ngày hết hạn không hợp lệ"),
    (["--user", "reviewer", "--expires", "2020-01-01"], "đã qua"),
])
def test_create_token_refuses_bad_arguments(world, args, fragment):
    with pytest.raises(CommandError, match=fragment):
        call_command("create_token", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiToken.objects.exists()


def test_a_token_acts_with_its_users_scope_and_records_its_use(world):
    token, raw = ApiToken.issue(world.reviewer)
    response = Client().get(f"{BASE}/units", **bearer(raw), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert [r["code"] for r in response.json()] == ["AG-PT", "AG-PT-PL", "AG-PT-PT"]
    token.refresh_from_db()
    assert token.last_used_ip == "10.1.2.3"
    assert timezone.now() - token.last_used_at < timedelta(minutes=5)
    outside = Client().get(f"{BASE}/evaluations", {"framework": "x", "period": "2024", "unit": "AG-SNV"},
                           **bearer(raw))
    assert outside.status_code == 404


def test_the_session_cookie_still_works(world):
    assert client_for(world.viewer).get(f"{BASE}/units").status_code == 200


@pytest.mark.parametrize("spoil, fragment", [
    (lambda t: t.revoke(), "đã bị thu hồi"),
    (lambda t: ApiToken.objects.filter(pk=t.pk).update(expires=timezone.localdate() - timedelta(days=1)),
     "đã hết hạn"),
    (lambda t: type(t.user).objects.filter(pk=t.user_id).update(is_active=False), "đã bị khóa"),
])
def test_a_revoked_expired_or_locked_token_gives_401_with_the_reason(world, spoil, fragment):
    token, raw = ApiToken.issue(world.admin)
    assert Client().get(f"{BASE}/units", **bearer(raw)).status_code == 200
    spoil(token)
    response = Client().get(f"{BASE}/units", **bearer(raw))
    assert response.status_code == 401
    assert fragment in response.json()["detail"]
    # …even alongside a valid session: the token decides.
    assert client_for(world.admin).get(f"{BASE}/units", **bearer(raw)).status_code == 401


def test_a_token_expiring_today_still_works(world):
    _token, raw = ApiToken.issue(world.admin, expires=timezone.localdate())
    assert Client().get(f"{BASE}/units", **bearer(raw)).status_code == 200


def test_an_unknown_token_or_none_gives_401_in_vietnamese(world):
    wrong = Client().get(f"{BASE}/units", **bearer("cs_khong-dung"))
    assert wrong.status_code == 401 and wrong.json()["detail"] == "Mã truy cập API không đúng."
    missing = Client().get(f"{BASE}/units")
    assert missing.status_code == 401 and "Bearer" in missing.json()["detail"]
    assert missing["WWW-Authenticate"].startswith("Bearer")


def test_users_create_list_and_revoke_their_own_tokens_on_their_account_page(world):
    c = client_for(world.reporter)
    page = c.post("/tai-khoan/ma-api/", {"label": "tập lệnh", "expires": "2099-01-31"})
    assert page.status_code == 200
    token = ApiToken.objects.get(user=world.reporter)
    html = page.content.decode()
    raw = html.split('<code id="new-token">')[1].split("</code>")[0]
    assert token.digest == hash_token(raw) and token.label == "tập lệnh"
    assert raw not in c.get("/tai-khoan/ma-api/").content.decode()  # shown once only
    assert c.post(f"/tai-khoan/ma-api/{token.pk}/thu-hoi/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == world.reporter
    assert Client().get(f"{BASE}/units", **bearer(raw)).status_code == 401


def test_a_past_expiry_date_is_refused_on_the_page(world):
    page = client_for(world.reporter).post("/tai-khoan/ma-api/", {"expires": "2020-01-01"})
    assert "Ngày này đã qua." in page.content.decode()
    assert not ApiToken.objects.exists()


def test_only_administrators_revoke_someone_elses_token(world):
    token, _raw = ApiToken.issue(world.reviewer)
    assert client_for(world.reporter).post(f"/tai-khoan/ma-api/{token.pk}/thu-hoi/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    admin = client_for(world.admin)
    assert token.shown in admin.get("/tai-khoan/ma-api/").content.decode()
    assert admin.post(f"/tai-khoan/ma-api/{token.pk}/thu-hoi/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == world.admin


def test_every_write_with_a_token_is_logged_with_the_token(world, caplog):
    token, raw = ApiToken.issue(world.admin, label="một cửa")
    with caplog.at_level("INFO", logger="chiso.api"):
        Client().get(f"{BASE}/units", **bearer(raw))
        Client().post(f"{BASE}/rounds", {"framework": "khong-co", "period": "2030"}, **bearer(raw),
                      REMOTE_ADDR="10.9.8.7")
    lines = [r.getMessage() for r in caplog.records if r.name == "chiso.api"]
    assert lines == [f"API POST /api/v1/rounds: admin qua mã {token.shown} (một cửa) từ 10.9.8.7"]


def test_revoke_token_by_prefix_or_user(world):
    one, raw_one = ApiToken.issue(world.reviewer, label="một cửa")
    two, _raw = ApiToken.issue(world.reviewer)
    other, raw_other = ApiToken.issue(world.admin)
    out = io.StringIO()
    call_command("revoke_token", one.prefix, stdout=out)
    assert out.getvalue() == f"Đã thu hồi mã {one.shown} của reviewer (một cửa).\n"
    assert Client().get(f"{BASE}/units", **bearer(raw_one)).status_code == 401
    out = io.StringIO()
    call_command("revoke_token", "--user", "reviewer", stdout=out)
    assert out.getvalue() == f"Đã thu hồi mã {two.shown} của reviewer.\n"
    assert ApiToken.objects.filter(user=world.reviewer, revoked_at__isnull=True).count() == 0
    assert Client().get(f"{BASE}/units", **bearer(raw_other)).status_code == 200
    with pytest.raises(CommandError, match="Không có mã nào còn dùng được"):
        call_command("revoke_token", one.prefix, stdout=io.StringIO())
    with pytest.raises(CommandError, match="một trong hai"):
        call_command("revoke_token", stdout=io.StringIO())
